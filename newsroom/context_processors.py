"""Values every template needs: the agency's name in the page's language."""

from newsroom.i18n import agency_name, current_language


def agency(request):
    return {"agency_name": agency_name(), "page_language": current_language()}
