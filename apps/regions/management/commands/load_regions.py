from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.regions.services import regions_load


class Command(BaseCommand):
    help = "导入行政区划 CSV（列：code,name,level,parent_code,type,...）。有错误行时不导入任何数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV 文件路径，UTF-8 编码")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"文件不存在：{path}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码，请另存为 UTF-8 后重试") from exc
        report = regions_load(text=text, actor=None, source_name=path.name)
        if not report.ok:
            for error in report.errors[:200]:
                self.stderr.write(str(error))
            if len(report.errors) > 200:
                self.stderr.write(f"……另有 {len(report.errors) - 200} 行错误")
            raise CommandError(f"共 {len(report.errors)} 行有错误，未导入任何数据")
        self.stdout.write(
            self.style.SUCCESS(
                f"区划导入完成：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}"
            )
        )
