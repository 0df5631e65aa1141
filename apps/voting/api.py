from ninja import Router

router = Router(tags=["业主共同决定"])
