"""The UI's shell against the real stack: serving, sign-in, session and CSRF handling, phone-width login."""
import urllib.request

from playwright.sync_api import expect

from .ui_support import BASE_URL, login, open_page, screenshot

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


def test_ui_is_served_with_a_strict_csp(stack):
    for path in ("/", "/js/app.js", "/connections/deep/link"):
        with urllib.request.urlopen(BASE_URL + path, timeout=10) as response:
            assert response.status == 200
            assert response.headers["Content-Security-Policy"] == CSP
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["X-Frame-Options"] == "DENY"
            body = response.read().decode()
        if path.endswith(".js"):
            assert "javascript" in response.headers["Content-Type"]
        else:
            # Unknown paths fall back to the app's page (try_files $uri /index.html).
            assert '<script type="module" src="/js/app.js">' in body


def test_login_opens_the_portfolio_page(page, user):
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    screenshot(page, "01-login")
    page.get_by_label("Email").fill(user[0])
    page.get_by_label("Password").fill(user[1])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Portfolio", level=1)).to_be_visible()
    expect(page.locator("#user-email")).to_have_text(user[0])
    expect(page).to_have_title("Portfolio · Holdfast")
    open_page(page, "connections")
    expect(page).to_have_title("Connections · Holdfast")
    expect(page.get_by_role("button", name="Connect exchange")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def test_wrong_password_shows_the_generic_error(page, user):
    page.goto("/")
    page.get_by_label("Email").fill(user[0])
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password.")
    expect(page.get_by_label("Password")).to_have_value("")
    screenshot(page, "02-login-wrong-password")
    # An unknown email gets the very same answer.
    page.get_by_label("Email").fill("nobody@example.com")
    page.get_by_label("Password").fill("whatever it is")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid email or password.")


def test_session_survives_a_reload_with_nothing_in_web_storage(page, user):
    login(page, user)
    page.reload()
    # Still signed in: the HttpOnly cookie carries the session, and /auth/me hands the CSRF token back.
    expect(page.get_by_role("heading", name="Connections", level=1)).to_be_visible()
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]")
    assert storage == [0, 0, ""], storage
    # Logging out is a POST, so it only works if the CSRF token was recovered after the reload.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_login_fits_a_phone(phone_page, user):
    phone_page.goto("/")
    expect(phone_page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert phone_page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone_page, "03-login-phone")
