# Generic 80 mm ESC/POS receipt printer (the many TM-T20 compatible clones).
# Font A, 203 dpi, 72 mm printable. Clones rarely do QR natively or report
# paper status reliably, so both stay off: QR codes go out as raster images.
name = Generic 80 mm
columns = 48
dots = 576
codepages = CP437:0 CP850:2 CP858:19 CP1252:16
features = cut partial_cut drawer barcode image
cut_feed = 4
qr_module = 6
