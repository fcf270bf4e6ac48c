from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the site that signs in through the platform's own sign-in (accounts/admin_site.py).

    Its own module: settings.INSTALLED_APPS loads it before the models, which admin_site.py needs.
    """

    default_site = "minsheng.accounts.admin_site.AdminSite"
