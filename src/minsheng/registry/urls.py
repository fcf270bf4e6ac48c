from django.urls import path
from django.views.generic import TemplateView

app_name = "registry"
v = TemplateView.as_view(template_name="base.html")
urlpatterns = [path(f"{n}/", v, name=f"{n}_list") for n in
               ["organisation", "person", "carrier", "service", "facility", "partner"]]
