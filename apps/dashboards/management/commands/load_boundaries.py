import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.dashboards.services import boundaries_load


class Command(BaseCommand):
    help = (
        "导入区划边界（GeoJSON FeatureCollection，Polygon/MultiPolygon，WGS84），按区划代码属性匹配区划，"
        "用于治理驾驶舱的覆盖率地图。须注明数据来源和许可协议；有任何错误时不导入任何数据。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="GeoJSON 文件路径，UTF-8 编码")
        parser.add_argument("--source", required=True, help="数据来源，如 “某某测绘院 2024 年县级行政区划”")
        parser.add_argument("--licence", required=True, help="许可协议，如 “CC BY 4.0”")
        parser.add_argument(
            "--code-property",
            default="code",
            help="要素属性中区划代码的字段名（默认 code；常见的还有 adcode）",
        )

    def handle(self, *args, file, source, licence, code_property, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码，请另存为 UTF-8 后重试") from exc
        except json.JSONDecodeError as exc:
            raise CommandError(f"不是有效的 JSON：第{exc.lineno}行第{exc.colno}列，{exc.msg}") from exc
        report = boundaries_load(
            data=data,
            source=source,
            licence=licence,
            actor=None,
            code_property=code_property,
            file_name=path.name,
        )
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            if len(report.errors) > 200:
                self.stderr.write(f"……另有 {len(report.errors) - 200} 处错误")
            raise CommandError(f"共 {len(report.errors)} 处错误，未导入任何数据")
        self.stdout.write(self.style.SUCCESS(f"边界导入完成：新增 {report.created}，更新 {report.updated}"))
