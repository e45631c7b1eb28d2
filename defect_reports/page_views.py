"""The reporter page's routes: the form (with its draft), the review step with the duplicate
check, sending, the public map and list of released reports, and a report's public page."""

from urllib.parse import urlencode

from django.conf import settings
from django.db.models import F
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _
from wagtail.models import Site

from . import places, reporting
from .forms import DefectReportForm
from .models import DefectCategory, DefectReport, DefectReportDraft
from .photos import PhotoError
from .questions import answer_lines
from .views import (
    category_names,
    map_config,
    public_report_context,
    rate_limit_message,
)
from .views import (
    public_reports as filter_public_reports,
)


def _render(page, request, template, context, status=200, private=True):
    context = {"page": page, "self": page, "request": request, **context}
    response = TemplateResponse(request, template, context, status=status)
    if private:
        # The form holds a CSRF token and a draft's key: never cached, never indexed.
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
    return response


def _categories(page):
    return list(
        DefectCategory.objects.filter(locale=page.locale, active=True).order_by(
            "sort_order", "name"
        )
    )


def report_form(page, request):
    """GET: the empty form, or the form filled from a draft (``?draft=``, "change" on the
    review step). POST: keep the photos in the draft, check the rest, go to the review."""
    site = Site.find_for_request(request)
    draft = reporting.get_draft(request.POST.get("draft") or request.GET.get("draft"))
    photo_errors = []
    if request.method == "POST":
        uploads = request.FILES.getlist("photos")
        remove = request.POST.getlist("remove_photo")
        if draft is None and (uploads or remove):
            draft = DefectReportDraft.objects.create(language=page.locale.language_code)
        if draft is not None:
            for photo_id in remove:
                if photo_id.isdigit():
                    reporting.remove_draft_photo(draft, int(photo_id))
        if uploads and reporting.over_limit(
            request, "upload", settings.DEFECT_REPORTS["UPLOADS_PER_HOUR"]
        ):
            photo_errors.append(rate_limit_message())
            uploads = []
        for upload in uploads:
            try:
                reporting.add_draft_photo(draft, upload)
            except PhotoError as error:
                photo_errors.append(str(error))
        form = DefectReportForm(request.POST, locale=page.locale, site=site, draft=draft)
        if form.is_valid() and not photo_errors:
            if draft is None:
                draft = DefectReportDraft.objects.create(language=page.locale.language_code)
            draft.data = form.draft_data()
            draft.language = page.locale.language_code
            draft.save(update_fields=["data", "language"])
            return HttpResponseRedirect(page.review_url(draft, request))
        status = 400
    else:
        initial = DefectReportForm.initial_from_draft(draft) if draft is not None else {}
        if "category" in request.GET and request.GET["category"].isdigit():
            initial["category"] = int(request.GET["category"])
        form = DefectReportForm(initial=initial, locale=page.locale, site=site, draft=draft)
        status = 200
    return _render(
        page,
        request,
        "defect_reports/defect_report_page.html",
        {
            "form": form,
            "draft": draft,
            "draft_photos": list(draft.photos.all()) if draft is not None else [],
            "photo_errors": photo_errors,
            "categories": _categories(page),
            "map_config": map_config(request, "reporter"),
            "max_photos": settings.DEFECT_REPORTS["MAX_PHOTOS"],
        },
        status=status,
    )


def review(page, request, token):
    """Show what will be sent and open reports of the same kind nearby; then send, or follow
    one of those instead."""
    draft = reporting.get_draft(token)
    if draft is not None and draft.data.get("sent_report"):
        report = DefectReport.objects.filter(token=draft.data["sent_report"]).first()
        if report is not None:
            return HttpResponseRedirect(report.tracking_path() + "?sent=1")
    if draft is None or not draft.data.get("category"):
        return _render(page, request, "defect_reports/draft_expired.html", {}, status=404)
    category = DefectCategory.objects.filter(pk=draft.data["category"]).first()
    if category is None:
        raise Http404
    data = draft.data
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "send":
            if reporting.over_limit(
                request, "report", settings.DEFECT_REPORTS["RATE_LIMIT_PER_HOUR"]
            ):
                error = rate_limit_message()
            else:
                report = reporting.send_report(draft)
                with translation.override(report.language):
                    return HttpResponseRedirect(report.tracking_path() + "?sent=1")
        elif action == "follow":
            followed = DefectReport.objects.filter(
                reference=request.POST.get("reference", "")[:9],
                status__in=DefectReport.OPEN_STATUSES,
            ).first()
            if followed is not None:
                DefectReport.objects.filter(pk=followed.pk).update(supporters=F("supporters") + 1)
                reporting.delete_draft(draft)
                return _render(
                    page,
                    request,
                    "defect_reports/followed.html",
                    {
                        "report": followed,
                        "public_url": page.report_url(followed) if followed.released else None,
                    },
                )
    nearby = places.nearby_open_reports(category, data["latitude"], data["longitude"])
    names = category_names(page.locale.language_code)
    for item in nearby:
        item.public_url = page.report_url(item.report) if item.report.released else None
        item.category_name = names.get(category.translation_key, category.name)
    return _render(
        page,
        request,
        "defect_reports/review.html",
        {
            "draft": draft,
            "data": data,
            "category": category,
            "draft_photos": list(draft.photos.all()),
            "answers": answer_lines(category, data.get("answers", {})),
            "nearby": nearby,
            "error": error,
            "change_url": page.url + "?draft=" + draft.token,
        },
        status=429 if error else 200,
    )


def public_reports(page, request):
    """The public map and list of released reports, filterable by category and status."""
    category_code = request.GET.get("category", "")
    status = request.GET.get("status", "")
    reports = filter_public_reports(category_code, status)
    page_obj = public_report_context(request, reports, request.GET.get("page"))
    for report in page_obj.object_list:
        report.public_url = page.report_url(report, request)
    query = urlencode(
        {key: value for key, value in (("category", category_code), ("status", status)) if value}
    )
    response = _render(
        page,
        request,
        "defect_reports/report_list.html",
        {
            "page_obj": page_obj,
            "reports": page_obj.object_list,
            "categories": [c for c in _categories(page) if not c.handled_elsewhere],
            "category_code": category_code,
            "status": status,
            "statuses": DefectReport.Status.choices,
            "query_prefix": query + "&" if query else "",
            "map_config": map_config(request),
        },
        private=False,
    )
    patch_vary_headers(response, ["Accept-Language"])
    return response


def public_report(page, request, reference):
    """A released report's public page: what, where, status, the town's answers, the
    public photos; never the reporter's contact data."""
    report = get_object_or_404(
        DefectReport.objects.select_related("category").prefetch_related("photos"),
        reference=reference[:9],
        released=True,
    )
    names = category_names(page.locale.language_code)
    history = report.public_history()
    return _render(
        page,
        request,
        "defect_reports/report_detail.html",
        {
            "report": report,
            "category_name": names.get(report.category.translation_key, report.category.name),
            "history": history,
            "photos": report.public_photos(),
            "map_config": map_config(request, marker=[report.latitude, report.longitude], zoom=17),
            "title": _("Report %(reference)s") % {"reference": report.reference},
        },
        private=False,
    )
