# Epson TM-T20 / TM-T20II / TM-T20III class: 80 mm, 203 dpi, 576 dots,
# 48 columns in font A. Code page numbers as in Epson's ESC t table
# (0 PC437, 2 PC850, 16 WPC1252, 19 PC858).
name = Epson TM-T20
columns = 48
dots = 576
codepages = CP437:0 CP858:19 CP1252:16 CP850:2
features = qr cut partial_cut drawer status barcode image
cut_feed = 4
qr_module = 6
