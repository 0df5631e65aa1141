"""`manage.py vote_verify DECISION`: recompute a decision's ballot hash chain and its count."""

from django.core.management.base import BaseCommand, CommandError

from apps.voting.models import Decision
from apps.voting.selectors import decision_tally, decision_verify


class Command(BaseCommand):
    help = "重新计算表决的选票摘要链和计票结果，发现被修改的记录"

    def add_arguments(self, parser):
        parser.add_argument("decision", type=int, help="表决编号")

    def handle(self, *args, **options):
        decision = Decision.objects.select_related("compound").filter(pk=options["decision"]).first()
        if decision is None:
            raise CommandError(f"没有编号为 {options['decision']} 的表决")
        report = decision_verify(decision)
        self.stdout.write(
            f"表决：{decision.title}（{decision.compound.name}，{decision.get_status_display()}）"
        )
        self.stdout.write(f"选票记录：{report.ballots} 条")
        for matter, result in decision_tally(decision):
            a, h = result.area, result.heads
            self.stdout.write(
                f"  {matter.position}. {matter.title}［{matter.rule_label}］"
                f" 参与 面积{a.participation.text()} 人数{h.participation.text()}；"
                f"同意 面积{a.approval.text()} 人数{h.approval.text()} → {'通过' if result.passed else '未通过'}"
            )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(f"  ✗ {problem}")
            raise CommandError(f"校验失败：发现{len(report.problems)}处不一致")
        self.stdout.write("校验通过：选票链和计票结果与记录一致")
