from django.shortcuts import render

from minsheng.portal import queries


def index(request):
    return render(request, "portal/index.html", {"figures": queries.headline_figures()})
