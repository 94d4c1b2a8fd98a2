"""Make the display copies of photos stored before copies existed.

Pages and the compendium show a photo's display copy (longest side 1600 px); a photo without
one is shown from its original, which may be large. This reads each such original and stores
a copy beside it. Originals are never changed or removed; a photo above the pixel limit or
damaged is reported and left as it is (the compendium then leaves it out). Safe to run again.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db.models import Q

from practices import services
from practices.models import Attachment


class Command(BaseCommand):
    help = "Tạo bản hiển thị (1600 px) và ảnh thu nhỏ (480 px) cho các ảnh mô hình chưa có."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Chỉ đếm các ảnh chưa có bản hiển thị, không ghi gì.",
        )

    def handle(self, *args, **options):
        pending = (
            Attachment.objects.filter(kind=Attachment.Kind.PHOTO)
            .filter(Q(display="") | Q(thumbnail=""))
            .select_related("practice")  # a published one's compendium changes
            .order_by("pk")
        )
        total = pending.count()
        if options["dry_run"]:
            self.stdout.write(f"{total} ảnh chưa có bản hiển thị (chạy thử, không ghi gì).")
            return
        created = 0
        for n, attachment in enumerate(pending.iterator(), start=1):
            try:
                made = services.attachment_create_display_copy(attachment=attachment)
            except ValidationError as exc:
                self.stderr.write(
                    f"ảnh #{attachment.pk} ({attachment.original_name}): {exc.messages[0]}"
                )
                continue
            if made:
                created += 1
            else:
                self.stderr.write(f"ảnh #{attachment.pk}: không thấy tệp gốc {attachment.file}")
            if n % 50 == 0:
                self.stdout.write(f"{n}/{total}")
        self.stdout.write(f"đã tạo {created} bản hiển thị; {total - created} ảnh bỏ qua.")
