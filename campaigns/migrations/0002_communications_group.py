"""A "Communications" group for the staff who promote the online services: the service of
the month, campaigns and short links (and so the material and the reach page), translating
them, the admin, and choosing and uploading images. Towns add their staff to it under
Settings → Users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Communications"
MODELS = ("servicespotlight", "campaign", "shortlink")


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; this group needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    group, created = Group.objects.get_or_create(name=GROUP)
    if not created:
        return
    codenames = [
        f"{action}_{model}" for model in MODELS for action in ("add", "change", "delete", "view")
    ]
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="campaigns", codename__in=codenames),
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin"),
        # "Translate" on the spotlights and campaigns (wagtail-localize's permission).
        *Permission.objects.filter(codename="submit_translation"),
    )
    root = Collection.objects.filter(depth=1).first()
    if root is not None:
        for codename in ("add_image", "choose_image"):
            permission = Permission.objects.filter(
                content_type__app_label="wagtailimages", codename=codename
            ).first()
            if permission is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root, permission=permission
                )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtailcore", "0098_apitoken"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
