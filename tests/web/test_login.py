"""Staff sign-in on the web."""

from django.test import Client


def test_it_signs_in_and_lands_on_the_desk(org):
    c = Client()
    r = c.post("/login/", {"username": "amy", "password": "pw-amy-123"})
    assert r.status_code == 302 and r["Location"] == "/"
    assert c.get("/").status_code == 200


def test_it_refuses_a_wrong_password_with_a_field_error(org):
    r = Client().post("/login/", {"username": "amy", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400
    assert "Wrong username or password." in r.content.decode()


def test_it_locks_out_after_repeated_failures(org):
    c = Client()
    for _ in range(5):
        c.post("/login/", {"username": "amy", "password": "nope"})
    r = c.post("/login/", {"username": "amy", "password": "pw-amy-123"})
    assert r.status_code == 429
    assert "_auth_user_id" not in c.session


def test_it_sends_strangers_to_sign_in(db):
    r = Client().get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_it_never_redirects_off_site_after_sign_in(org):
    r = Client().post("/login/?next=https://evil.example/", {"username": "amy", "password": "pw-amy-123"})
    assert r["Location"] == "/"
