"""A county official imports the compounds ledger in a real browser: downloads the template,
uploads a workbook with two bad rows, reads the preview (row, column, message), downloads the
workbook with the bad cells marked, fixes the rows, uploads again, commits, and finds the
compounds in the list. The background jobs run when the test drains the queue (apps/jobs)."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from apps.imports.tests.conftest import xlsx
from apps.jobs.testing import drain
from apps.registry.models import Compound
from conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = ["沂河花园", "盛庄新村", "后盛庄小区", "罗庄家园"]


def _rows(community: str, *, mode_cell: str, old_cell: str) -> list[list]:
    """Template order: 名称, 社区, 地址, 户数, 面积, 年份, 老旧, 模式, 企业 (blank), 居住党员人数."""
    rows = [[name, community, f"盛庄街道{n}号", 100 + n, 9000 + n * 100, 1995, "是", "无物业管理", None, n]
            for n, name in enumerate(NAMES, start=1)]  # fmt: skip
    rows[1][7] = mode_cell  # worksheet row 3
    rows[3][6] = old_cell  # worksheet row 5
    return rows


def _upload(page, path, live_server_url) -> None:
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('上传并校验')")
    page.wait_for_url("**/imports/batches/**")
    assert drain() >= 1  # the validation job; the page follows it and reloads itself
    page.wait_for_selector("#batch-summary", timeout=20_000)


def test_official_fixes_two_bad_rows_and_imports_compounds(
    live_server, browser, transactional_world, console_errors, tmp_path
):
    world = transactional_world
    drain()  # whatever the world queued goes first
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    page = console_errors(context.new_page())
    log_in(page, live_server.url, world.users["county"].username)

    page.click("nav >> summary:has-text('基础台账')")
    page.click("nav >> text=台账导入")
    page.wait_for_url("**/imports/")
    page.click("a.btn-primary[href$='/imports/compounds/']")  # 小区: 上传
    page.wait_for_url("**/imports/compounds/")
    screenshot(page, "imports-01-start")
    with page.expect_download() as download:
        page.click("text=下载导入模板")
    download.value.save_as(tmp_path / "template.xlsx")
    template = (tmp_path / "template.xlsx").read_bytes()
    assert load_workbook(io.BytesIO(template))["导入模板"]["A1"].value == "小区名称*"

    community = world.compound.community_id
    bad = tmp_path / "小区台账.xlsx"
    bad.write_bytes(xlsx(None, _rows(community, mode_cell="公益兜底", old_cell="也许"), template=template))
    _upload(page, bad, live_server.url)
    summary = page.locator("#batch-summary").inner_text()
    assert "共 2 个问题，未导入任何数据" in summary, page.locator("#problems").inner_text()
    problems = [
        [cell.strip() for cell in row.split("\t")]
        for row in page.locator("#problems tbody tr").all_inner_texts()
    ]
    assert problems[0][:2] == ["第3行", "管理模式"] and problems[0][2] == "公益兜底"
    assert problems[0][3].startswith("“公益兜底”不是可选值，可填：市场化物业企业、公益性物业兜底")
    assert problems[1] == ["第5行", "老旧小区", "也许", "“也许”无法识别，请填“是”或“否”"]
    screenshot(page, "imports-02-preview-problems")
    assert not Compound.objects.filter(name__in=NAMES).exists()  # nothing written

    with page.expect_download() as download:
        page.click("text=下载标注错误的工作簿")
    marked_path = tmp_path / "marked.xlsx"
    download.value.save_as(marked_path)
    ws = load_workbook(marked_path).active
    assert ws["H3"].fill.fgColor.rgb.endswith("FFC7CE") and "不是可选值" in ws["H3"].comment.text
    assert ws["G5"].fill.fgColor.rgb.endswith("FFC7CE") and "请填“是”或“否”" in ws["G5"].comment.text
    assert ws["H2"].comment is None and ws["G3"].comment is None  # good cells stay plain
    last = ws.max_column
    assert ws.cell(row=1, column=last).value == "问题说明" and "管理模式" in ws.cell(row=3, column=last).value

    # the 390 px phone view of the same preview
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone_page = console_errors(phone.new_page())
    log_in(phone_page, live_server.url, world.users["county"].username)
    phone_page.goto(page.url)
    phone_page.wait_for_selector("#problems")
    screenshot(phone_page, "imports-03-preview-problems-390")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    phone.close()

    page.click("#batch-summary ~ p >> text=重新上传")
    page.wait_for_url("**/imports/compounds/")
    fixed = tmp_path / "小区台账（已改）.xlsx"
    fixed.write_bytes(xlsx(None, _rows(community, mode_cell="无物业管理", old_cell="否"), template=template))
    _upload(page, fixed, live_server.url)
    assert "校验通过，共 4 行：将新增 4 条" in page.locator("#batch-summary").inner_text()
    screenshot(page, "imports-04-preview-valid")

    page.click("button:has-text('确认导入')")
    page.wait_for_url("**/imports/batches/**")
    assert drain() == 1  # the commit job
    page.wait_for_selector("#batch-summary:has-text('已导入')", timeout=20_000)
    assert "新增 4 条" in page.locator("#batch-summary").inner_text()
    screenshot(page, "imports-05-committed")
    assert Compound.objects.filter(name__in=NAMES).count() == 4
    assert Compound.objects.get(name="罗庄家园").is_old is False

    page.click("text=查看小区")
    page.wait_for_selector("table.list")
    page.fill("#q", "盛庄街道")
    page.click("button:has-text('筛选')")
    page.wait_for_selector("text=罗庄家园")
    listed = page.locator("#list-results").inner_text()
    assert all(name in listed for name in NAMES)
    screenshot(page, "imports-06-compound-list")
    assert console_errors.errors == []
    context.close()
