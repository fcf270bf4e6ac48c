from django.urls import path

from minsheng.registry import views

app_name = "registry"

# (URL name prefix, path segment)
SEGMENTS = [
    ("organisation", "organisations"),
    ("person", "people"),
    ("carrier", "carriers"),
    ("service", "services"),
    ("facility", "facilities"),
    ("partner", "partners"),
]

urlpatterns = []
for slug, segment in SEGMENTS:
    kind = views.KINDS[slug]
    urlpatterns += [
        path(f"{segment}/", views.list_view, {"kind": kind}, name=f"{slug}_list"),
        path(f"{segment}/export/", views.export_view, {"kind": kind}, name=f"{slug}_export"),
        path(f"{segment}/new/", views.create_view, {"kind": kind}, name=f"{slug}_create"),
        path(f"{segment}/<int:pk>/", views.detail_view, {"kind": kind}, name=f"{slug}_detail"),
        path(f"{segment}/<int:pk>/edit/", views.edit_view, {"kind": kind}, name=f"{slug}_edit"),
    ]
urlpatterns += [
    path("organisations/<int:pk>/verify/", views.organisation_verify, name="organisation_verify"),
    path("organisations/<int:pk>/reject/", views.organisation_reject, name="organisation_reject"),
]
