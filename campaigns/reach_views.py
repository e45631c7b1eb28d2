"""Reach statistics for communications staff."""

admin_urlpatterns = []
