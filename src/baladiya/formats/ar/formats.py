# Arabic formats for Palestine and Saudi Arabia: Latin digits with a decimal point,
# as on official documents and receipts there (Django's default Arabic uses a comma,
# which reads as a thousands separator to most people).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 6  # Saturday
