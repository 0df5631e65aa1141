"""System checks of the platform's own rules.

core.E001 / core.E002: the models whose rows apps/core/sql.py writes without `Model.save()`
(`@written_fast`: the whistle's order, the audit event, the inbox rows, the rollup cells) may not
override `save()` nor have pre_save/post_save receivers — the fast path would skip them silently.
Put such logic in the app's service instead.
"""

from __future__ import annotations

from django.core import checks
from django.db import models
from django.db.models.signals import post_save, pre_save

from apps.core.sql import written_fast_models


@checks.register(checks.Tags.models)
def fast_writes_bypass_nothing(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    for model in written_fast_models():
        if app_configs is not None and model._meta.app_config not in app_configs:
            continue
        label = model._meta.label
        for klass in model.__mro__:
            if klass is models.Model:
                break
            if "save" in vars(klass):
                errors.append(
                    checks.Error(
                        f"{label} 由 apps/core/sql.py 直接写入（不调用 save()），不能重写 save()（见 {klass.__qualname__}）",
                        hint="把写入时的逻辑放进本应用的 services.py",
                        obj=model,
                        id="core.E001",
                    )
                )
        for name, signal in (("pre_save", pre_save), ("post_save", post_save)):
            if signal.has_listeners(model):
                errors.append(
                    checks.Error(
                        f"{label} 由 apps/core/sql.py 直接写入（不发送模型信号），不能有 {name} 接收器",
                        hint="把写入时的逻辑放进本应用的 services.py",
                        obj=model,
                        id="core.E002",
                    )
                )
    return errors
