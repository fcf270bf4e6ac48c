from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, with the request id added so a user's report can be matched to the logs."""
    response = drf_exception_handler(exc, context)
    if response is not None:
        request = context.get("request")
        request_id = getattr(request, "request_id", "") if request is not None else ""
        if isinstance(response.data, dict):
            response.data.setdefault("request_id", request_id)
    return response
