from django.apps import AppConfig

from apps.core.contributions import Contribution, NavItem


class ImportsConfig(AppConfig):
    """台账导入: every app's ledgers (Contribution.imports) uploaded, validated in the background,
    previewed with every problem by row and column, then committed all or nothing."""

    name = "apps.imports"
    label = "imports"
    verbose_name = "台账导入"
    contribution = Contribution(
        urls=("imports/", "apps.imports.urls"),
        nav=(NavItem("台账导入", "import_index", "registry.import_records", order=58, group="基础台账"),),
        audit_verbs={"upload": "上传导入文件", "commit": "确认导入"},
    )
