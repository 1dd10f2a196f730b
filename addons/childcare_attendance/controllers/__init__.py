from . import kiosk, sheet_export
