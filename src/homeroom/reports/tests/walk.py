from homeroom.core.testing import WalkSamples


def samples(base) -> WalkSamples:
    """The metrics page, its refresh and the metrics API take no path parameters; the
    refresh is a POST (a GET gets 405) and the API's query has defaults."""
    return WalkSamples(bodies={"helpdesk_metrics": {}})
