"""Assignment, reviewing and ranking routes (included from review/urls.py)."""

from django.urls import path

from minsheng.review import assignment_views, panel_views, ranking_views, review_views

urlpatterns = [
    path("assignment/", assignment_views.call_list, name="assignment_calls"),
    path("assignment/<int:call_pk>/", assignment_views.call_assignment, name="call_assignment"),
    path("assignment/<int:call_pk>/run/", assignment_views.run, name="assignment_run"),
    path("assignment/<int:call_pk>/run/progress/", assignment_views.run_progress, name="assignment_run_progress"),
    path("assignment/<int:call_pk>/publish/", assignment_views.publish, name="assignment_publish"),
    path("assignment/<int:call_pk>/overdue/", assignment_views.replace_overdue, name="assignment_overdue"),
    path("assignment/<int:call_pk>/pairs/<int:pk>/swap/", assignment_views.swap, name="assignment_swap"),
    path("work/", assignment_views.my_assignments, name="my_assignments"),
    path("work/invitations/<int:pk>/", assignment_views.respond, name="respond"),
    path("work/proposals/<int:pk>/", review_views.proposal, name="proposal"),
    path("work/proposals/<int:pk>/attachments/<int:attachment_pk>/", review_views.attachment,
         name="proposal_attachment"),
    path("ranking/<int:call_pk>/", ranking_views.ranking, name="ranking"),
    path("ranking/<int:call_pk>/export/", ranking_views.ranking_export, name="ranking_export"),
    path("ranking/<int:call_pk>/applications/<int:pk>/", ranking_views.ranking_reviews, name="ranking_reviews"),
    path("panel/<int:call_pk>/", panel_views.panel, name="panel"),
    path("panel/<int:call_pk>/convene/", panel_views.convene, name="panel_convene"),
    path("panel/<int:call_pk>/members/", panel_views.member_add, name="panel_member_add"),
    path("panel/<int:call_pk>/members/<int:pk>/remove/", panel_views.member_remove, name="panel_member_remove"),
    path("panel/<int:call_pk>/open/", panel_views.open_session, name="panel_open"),
    path("panel/<int:call_pk>/minutes/", panel_views.minutes, name="panel_minutes"),
    path("panel/<int:call_pk>/freeze/", panel_views.freeze, name="panel_freeze"),
    path("panel/<int:call_pk>/member/", panel_views.member_page, name="panel_member"),
    path("panel/<int:call_pk>/member/<int:pk>/vote/", panel_views.member_vote, name="panel_vote"),
]
