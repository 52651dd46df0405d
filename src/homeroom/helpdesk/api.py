from ninja import Router

router = Router(tags=["Help desk"])
