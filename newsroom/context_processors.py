"""Values every template needs: the agency's name in the page's language."""

from newsroom.i18n import agency_name, agency_name_genitive, current_language


def agency(request):
    return {
        "agency_name": agency_name(),
        # Where Russian needs the genitive: «на русской странице «Горного вестника»».
        "agency_name_genitive": agency_name_genitive(),
        "page_language": current_language(),
    }
