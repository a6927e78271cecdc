# Epson TM-L90 class label printer in ESC/POS mode: 80 mm die-cut or
# liner-free labels, 203 dpi, 576 dots. Each label is its own document,
# ended by a cut (the printer aligns to the next label on cut).
name = Epson TM-L90 (labels)
columns = 48
dots = 576
codepages = CP437:0 CP858:19 CP1252:16
features = qr cut status barcode image label
cut_feed = 1
qr_module = 5
