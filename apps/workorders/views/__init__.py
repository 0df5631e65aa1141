"""Work-order pages, by the people who use them: intake and tracking (residents first), the staff
workbench, the order page with its in-place actions, and the category limits."""
