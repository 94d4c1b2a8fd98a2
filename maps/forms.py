from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maps import reading


class BoundaryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp ranh giới"),
        help_text=_(
            "GeoJSON (.geojson, .json) hoặc shapefile nén .zip (.shp, .shx, .dbf, .prj), "
            "tọa độ WGS 84 kinh độ/vĩ độ; tối đa 20 MB."
        ),
    )
    describes_on = forms.DateField(
        label=_("Ranh giới tại ngày"),
        help_text=_("Mã xã trong tệp được so với các đơn vị tồn tại vào ngày này."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    source = forms.CharField(
        label=_("Nguồn"),
        max_length=300,
        help_text=_("Ví dụ «Sở Nông nghiệp và Môi trường tỉnh, tệp ranh giới xã 2025»."),
    )
    code_property = forms.CharField(
        label=_("Thuộc tính chứa mã xã"),
        max_length=100,
        required=False,
        help_text=_(
            "Để trống: tự tìm (ma_xa, MaXa, MA_XA, ma_dvhc, code...). Mã xã 5 chữ số của "
            "Tổng cục Thống kê; mã ghi dạng số (6475) được thêm số 0 đầu (06475)."
        ),
    )
    name_property = forms.CharField(
        label=_("Thuộc tính chứa tên xã"),
        max_length=100,
        required=False,
        help_text=_("Để trống: tự tìm (ten_xa, TenXa, name...). Chỉ dùng trong báo cáo đối chiếu."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["describes_on"].initial = timezone.localdate()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > reading.MAX_BYTES:
            raise reading.file_too_large(upload.size)
        return upload
