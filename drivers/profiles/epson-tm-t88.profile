# Epson TM-T88 (IV, V, VI) class: 80 mm, 180 dpi, 512 dots, 42 columns in
# font A. Same ESC t numbering as the TM-T20.
name = Epson TM-T88
columns = 42
dots = 512
codepages = CP437:0 CP858:19 CP1252:16 CP850:2
features = qr cut partial_cut drawer status barcode image beep
cut_feed = 4
qr_module = 5
