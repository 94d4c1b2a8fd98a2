"""The project's date and number formats (FORMAT_MODULE_PATH), over Django's own per locale:
one date format, dd/mm/yyyy, in both languages (Django's Vietnamese short format is d-m-Y, its
English one m/d/Y), and thousands grouped by three ("1.790", "1,790"; Django's Vietnamese
module sets the separator but no grouping). Years, codes and ids must not be grouped: the
templates print them with |stringformat:"d" or |unlocalize."""
