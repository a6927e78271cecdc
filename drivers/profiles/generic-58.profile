# Generic 58 mm ESC/POS receipt printer (cheap portable and ZJ-58 style
# clones). 384 dots, 32 columns. Most have no cutter and only the DOS pages,
# so there is no euro sign: it is printed as "EUR". Barcodes only through
# GS k function A (EAN13, CODE39): they have no function B, so no CODE128.
name = Generic 58 mm
columns = 32
dots = 384
codepages = CP437:0 CP850:2
features = barcode_a image
cut_feed = 3
qr_module = 4
