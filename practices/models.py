"""Good models and practices (mô hình, cách làm hay) that a province spreads to its communes,
with their photos and documents."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from communes.models import Commune, District, Province
from criteria.models import Criterion
from ntm.lib.text import fold, starts_a_word_q
from ntm.lib.years import YEAR_MAX, YEAR_MIN


class Category(models.Model):
    """A field of practice (lĩnh vực). The five of the 2018 Lạng Sơn conference are seeded by a
    migration; admins add more."""

    name = models.CharField(_("tên lĩnh vực"), max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("lĩnh vực mô hình")
        verbose_name_plural = _("lĩnh vực mô hình")

    def __str__(self) -> str:
        return self.name


class PracticeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Practice.Status.PUBLISHED)

    def visible_to(self, scope, user):
        """What a user may see: admins everything; province staff every practice of their
        province (they publish the drafts); district officials the published practices of their
        province (learning from other districts is the point) and their own drafts."""
        if scope.is_admin:
            return self
        mine = self.filter(province=scope.province)
        if scope.is_district:
            return mine.filter(Q(status=Practice.Status.PUBLISHED) | Q(created_by=user))
        return mine

    def search(self, text: str):
        """Practices with `text` at the start of a word, without regard to diacritics or case."""
        return self.filter(starts_a_word_q("search_text", text))


class Practice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Dự thảo")
        PUBLISHED = "published", _("Đã công bố")

    title = models.CharField(_("tên mô hình, cách làm"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="practices", verbose_name=_("lĩnh vực")
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="practices", verbose_name=_("tỉnh")
    )
    district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name=_("huyện"),
    )
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="practices", verbose_name=_("xã thực hiện")
    )
    criteria = models.ManyToManyField(
        Criterion, blank=True, related_name="practices", verbose_name=_("tiêu chí góp phần")
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    summary = models.TextField(_("tóm tắt cách làm"))
    results = models.TextField(_("kết quả đạt được"), blank=True)
    households = models.PositiveIntegerField(_("số hộ tham gia, hưởng lợi"), null=True, blank=True)
    investment_million_vnd = models.DecimalField(
        _("vốn huy động (triệu đồng)"), max_digits=12, decimal_places=1, null=True, blank=True
    )
    income_million_vnd = models.DecimalField(
        _("thu nhập bình quân (triệu đồng/người/năm)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
    )
    contact = models.TextField(_("liên hệ học tập"))
    partners = models.TextField(_("doanh nghiệp, hợp tác xã liên kết"), blank=True)
    is_example = models.BooleanField(
        _("ví dụ minh họa"),
        default=False,
        help_text=_("Nội dung hư cấu của dữ liệu demo, không phải mô hình có thật."),
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người công bố"),
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    # fold() of the searched text (title, summary, results, partners, contact), written by the
    # services, the demo and the admin with the text: "be tong" finds "bê tông" on both databases.
    search_text = models.TextField(_("nội dung không dấu"), blank=True, editable=False)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        ordering = ["category__order", "-year", "title"]
        verbose_name = _("mô hình, cách làm hay")
        verbose_name_plural = _("mô hình, cách làm hay")
        constraints = [
            # Years of the programme; the form says so in Vietnamese before the database does.
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="practice_year_plausible"
            ),
            # A published practice records when it was published (practices.services).
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="practice_published_has_date",
            ),
        ]
        indexes = [
            # The list, the compendium and the "learn from" links: a province's published
            # practices of a year.
            models.Index(fields=["province", "status", "year"], name="practice_province_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("practices:practice_detail", args=[self.pk])

    def refresh_search_text(self) -> None:
        """Call after setting the text fields (the writers do; save() does not, by house style)."""
        self.search_text = fold(
            " ".join([self.title, self.summary, self.results, self.partners, self.contact])
        )

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def place(self) -> str:
        """Where it happened, for lists and the compendium: the communes, else the district."""
        names = [c.name for c in self.communes.all()]
        parts = []
        if names:
            parts.append(", ".join(gettext("xã %(name)s") % {"name": n} for n in names))
        if self.district_id:
            parts.append(str(self.district))
        parts.append(gettext("tỉnh %(name)s") % {"name": self.province.name})
        return " – ".join(parts)


def attachment_path(instance: "Attachment", filename: str) -> str:
    """A random name: the original one is kept in `original_name`, never used on disk."""
    return f"practices/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def display_path(instance: "Attachment", filename: str) -> str:
    return f"practices/display/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


def thumbnail_path(instance: "Attachment", filename: str) -> str:
    return f"practices/thumbnails/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class Attachment(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Ảnh")
        DOCUMENT = "document", _("Tài liệu")

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("mô hình")
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to=attachment_path, max_length=200)
    # A photo's re-encoded copy (longest side 1600 px, no metadata) shown by pages and PDFs;
    # the original is only downloaded. Empty for documents and for photos stored before copies
    # existed (`manage.py create_display_copies` makes them; until then the original is shown).
    display = models.FileField(
        _("bản hiển thị"), upload_to=display_path, max_length=200, blank=True
    )
    # The small copy of the pages' photo grid (longest side 480 px), made with the display copy.
    thumbnail = models.FileField(
        _("ảnh thu nhỏ"), upload_to=thumbnail_path, max_length=200, blank=True
    )
    original_name = models.CharField(_("tên tệp gốc"), max_length=200)
    content_type = models.CharField(_("kiểu nội dung"), max_length=50)
    size = models.PositiveIntegerField(_("dung lượng (byte)"))
    caption = models.CharField(_("chú thích"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), auto_now_add=True)

    class Meta:
        ordering = ["practice", "kind", "pk"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.caption or self.original_name

    def get_absolute_url(self) -> str:
        return reverse("practices:attachment_file", args=[self.pk])

    @property
    def is_photo(self) -> bool:
        return self.kind == self.Kind.PHOTO

    def get_display_url(self) -> str:
        return reverse("practices:attachment_display", args=[self.pk])

    def get_thumbnail_url(self) -> str:
        return reverse("practices:attachment_thumbnail", args=[self.pk])

    @property
    def shown_file(self):
        """The file pages and PDFs show: the display copy, else (older photos) the original."""
        return self.display if self.display else self.file


class PracticeVersion(models.Model):
    """How many times a province's published practices (what its compendium shows: texts,
    photos, captions, categories) have changed, and when last.

    The writers of practices.services and the admin count a change in their own transaction
    (`practices.services.count_compendium_change`); the compendium PDF is stored under it
    (`practices.pdf.compendium_key`), so an unchanged compendium is served without rendering
    and a changed one is never served stale. Kept apart from communes.DataVersion: a practice
    changes no figure, and must not make every report of its province render again."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, related_name="practice_version", verbose_name=_("tỉnh")
    )
    version = models.PositiveBigIntegerField(_("phiên bản"), default=0)
    changed_at = models.DateTimeField(_("thay đổi lúc"))

    class Meta:
        verbose_name = _("phiên bản mô hình đã công bố")
        verbose_name_plural = _("phiên bản mô hình đã công bố")

    def __str__(self) -> str:
        return f"{self.province} v{self.version}"
