from django.test import TestCase


class FaviconTests(TestCase):
    def test_it_redirects_anonymous_visitors_to_the_static_icon(self):
        response = self.client.get("/favicon.ico")
        self.assertEqual(response.status_code, 301)
        self.assertTrue(response["Location"].endswith("favicon.ico"))
        self.assertIn("/static/", response["Location"])

    def test_pages_link_the_svg_icon(self):
        response = self.client.get("/accounts/login/")
        self.assertContains(response, 'rel="icon"')

    def test_the_admin_is_titled_in_vietnamese(self):
        response = self.client.get("/admin/login/")
        self.assertContains(response, "Quản trị hệ thống NTM")
