"""Five clearly fictional example practices for the demo province (Lạng Sơn, 2018), one per
seeded category, published, so that /practices/compendium/20/2018.pdf has content. They carry
`is_example` and the words "Ví dụ minh họa" in their title: nothing in them is real."""

from django.contrib.auth import get_user_model
from django.db import transaction

from communes.models import District, Province
from criteria.applicable import criteria_set_for_year
from practices.models import Category, Practice
from practices.services import practice_publish

PROVINCE_CODE = "20"
YEAR = 2018
EXAMPLE = "Ví dụ minh họa"
NOTE = "Nội dung hư cấu để minh họa cách dùng hệ thống, không phải mô hình có thật."

# category name (seeded by migration 0002), title, district code, criteria numbers, fields
EXAMPLES = [
    (
        "Chỉ đạo, điều hành",
        "Tổ công tác bám thôn, theo dõi từng tiêu chí",
        "187",
        [1, 11],
        {
            "summary": "Mỗi thành viên Ban Chỉ đạo xã phụ trách một thôn, họp giao ban hằng tháng "
            "với trưởng thôn để rà soát từng tiêu chí chưa đạt và phân công người làm. " + NOTE,
            "results": "Các thôn lập kế hoạch theo quý; tiến độ được cập nhật trên bảng tin xã.",
            "households": 420,
        },
    ),
    (
        "Phát triển kinh tế - hạ tầng",
        "Nhà nước hỗ trợ xi măng, nhân dân góp công làm đường thôn",
        "186",
        [2, 3],
        {
            "summary": "Tỉnh hỗ trợ xi măng và ống cống; thôn tự bàn, tự góp ngày công và hiến "
            "đất để bê tông hóa đường trục thôn, nạo vét kênh mương. " + NOTE,
            "results": "Bê tông hóa đường trục thôn và kiên cố hóa kênh mương nội đồng.",
            "households": 260,
            "investment_million_vnd": "1850.0",
        },
    ),
    (
        "Phát triển kinh tế và tổ chức sản xuất",
        "Hợp tác xã liên kết trồng và tiêu thụ na theo chuỗi",
        "187",
        [10, 12, 13],
        {
            "summary": "Hợp tác xã hướng dẫn quy trình VietGAP, thu mua na của thành viên theo "
            "giá thỏa thuận trước vụ và ký hợp đồng với doanh nghiệp phân phối. " + NOTE,
            "results": "Sản phẩm có mã vùng trồng, nhãn mác; thu nhập của thành viên tăng.",
            "households": 85,
            "income_million_vnd": "38.5",
            "partners": "Hợp tác xã Na Minh Họa; Công ty TNHH Nông sản Ví Dụ (tên hư cấu).",
        },
    ),
    (
        "Xây dựng hệ thống chính trị",
        "Chi bộ thôn “ba cùng” với hộ nghèo",
        "188",
        [18, 19],
        {
            "summary": "Mỗi đảng viên nhận đỡ đầu một hộ nghèo: cùng lập kế hoạch sản xuất, "
            "cùng tìm nguồn vốn, cùng theo dõi kết quả; họp chi bộ chuyên đề hằng quý. " + NOTE,
            "results": "Chi bộ được xếp loại hoàn thành tốt nhiệm vụ; an ninh thôn ổn định.",
            "households": 40,
        },
    ),
    (
        "Văn hóa - xã hội - môi trường",
        "Thôn sáng – xanh – sạch – đẹp, phân loại rác tại hộ",
        "183",
        [16, 17],
        {
            "summary": "Hội Phụ nữ vận động hộ phân loại rác, ủ phân hữu cơ từ rác hữu cơ; thôn "
            "trồng hoa hai bên đường và lắp đèn chiếu sáng bằng đóng góp của dân. " + NOTE,
            "results": "Rác thải được thu gom định kỳ; đường thôn có đèn và hàng rào xanh.",
            "households": 150,
            "investment_million_vnd": "320.0",
        },
    ),
]


@transaction.atomic
def seed_demo_practices(user=None) -> int:
    """Create the examples that do not exist yet (matched by title); returns how many.
    Needs the demo province and the 2016-2020 catalogue (`seed_demo` loads both first)."""
    province = Province.objects.get(code=PROVINCE_CODE)
    admin = user or get_user_model().objects.filter(username="admin").first()
    criteria = {c.number: c for c in criteria_set_for_year(YEAR).criteria.all()}
    created = 0
    for category_name, title, district_code, numbers, fields in EXAMPLES:
        full_title = f"{EXAMPLE}: {title}"
        if Practice.objects.filter(province=province, title=full_title).exists():
            continue
        practice = Practice(
            title=full_title,
            category=Category.objects.get_or_create(name=category_name)[0],
            province=province,
            district=District.objects.get(code=district_code),
            year=YEAR,
            contact=f"Văn phòng Điều phối nông thôn mới huyện (liên hệ minh họa). {NOTE}",
            is_example=True,
            created_by=admin,
            **fields,
        )
        practice.refresh_search_text()
        practice.save()
        practice.criteria.set([criteria[n] for n in numbers])
        practice_publish(practice=practice, user=admin)
        created += 1
    return created
