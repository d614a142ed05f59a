from django.urls import path

from . import views

app_name = "closing"

urlpatterns = [path("<int:year>/", views.overview, name="overview")]
