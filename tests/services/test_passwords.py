from instainstru.services.passwords import crypt_context, hash_password, password_problem, verify_password


def test_length_limits():
    assert password_problem("a" * 9) == "Use at least 10 characters."
    assert password_problem("x7#kq" * 2) is None
    assert password_problem("q" * 128 + "") is None
    assert password_problem("q" * 129) == "Use at most 128 characters."


def test_common_passwords_refused_whatever_the_case():
    assert "too common" in password_problem("1234567890")
    assert "too common" in password_problem("Manchester")
    assert password_problem("violin at dawn 42") is None


def test_hash_is_argon2id_salted_and_verifies():
    first, second = hash_password("violin at dawn 42"), hash_password("violin at dawn 42")
    assert first.startswith("$argon2id$")
    assert first != second
    assert verify_password("violin at dawn 42", first)
    assert not verify_password("violin at dawn 43", first)


def test_context_uses_argon2_only():
    assert crypt_context().schemes() == ("argon2",)
