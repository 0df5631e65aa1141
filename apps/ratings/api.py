from ninja import Router

router = Router(tags=["星级评定"])
