"""Curator accounts: scrypt password hashes, login sessions, API tokens, CSRF tokens.

Passwords are stored as ``scrypt$N$r$p$salt$hash`` (hex), never in clear.
Session cookies and API tokens are random; the database keeps only their
SHA-256, so a copy of the database lets no one log in. Every session carries
its own CSRF token, which each state-changing request must echo back (a form
field or the ``X-CSRF-Token`` header). :class:`LoginThrottle` makes failed
logins slow down further guessing.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..store import Store
from .errors import AuthError, CurationError

ROLES = ("curator", "adjudicator", "admin")
SESSION_DAYS = 14
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")


def now() -> str:
    """The current UTC time as ISO 8601 (what every curation row records)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def hash_password(password: str) -> str:
    """A salted scrypt hash of ``password`` in the ``scrypt$N$r$p$salt$hash`` form."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches the ``stored`` hash (constant-time comparison)."""
    if not stored:
        return False
    try:
        algo, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if algo != "scrypt":
        return False
    got = hashlib.scrypt(
        password.encode("utf-8"), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(got.hex(), digest)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class User:
    name: str
    role: str

    @property
    def can_adjudicate(self) -> bool:
        return self.role in ("adjudicator", "admin")


def add_user(store: Store, name: str, password: str | None, role: str = "curator") -> User:
    """Create a curator account; raise :class:`CurationError` for a bad name, role or a duplicate."""
    if not _NAME.match(name):
        raise CurationError(
            f"user name {name!r}: use 1-40 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    if role not in ROLES:
        raise CurationError(f"role {role!r} is not allowed; allowed: {', '.join(ROLES)}")
    if password is not None and len(password) < 8:
        raise CurationError(f"password for {name!r} is too short: use at least 8 characters")
    with store.transaction() as conn:
        try:
            conn.execute(
                "INSERT INTO curate_users(name, password_hash, role, created) VALUES (?, ?, ?, ?)",
                (name, hash_password(password) if password is not None else None, role, now()),
            )
        except sqlite3.IntegrityError as e:
            raise CurationError(f"user {name!r} already exists") from e
    return User(name, role)


def set_password(store: Store, name: str, password: str) -> None:
    """Replace a user's password and end their sessions."""
    if len(password) < 8:
        raise CurationError(f"password for {name!r} is too short: use at least 8 characters")
    with store.transaction() as conn:
        cur = conn.execute(
            "UPDATE curate_users SET password_hash = ? WHERE name = ?",
            (hash_password(password), name),
        )
        if cur.rowcount == 0:
            raise CurationError(f"no user {name!r}")
        conn.execute("DELETE FROM curate_sessions WHERE user = ?", (name,))


def list_users(store: Store) -> list[User]:
    return [
        User(n, r)
        for n, r in store.conn.execute("SELECT name, role FROM curate_users ORDER BY name")
    ]


def get_user(store: Store, name: str) -> User | None:
    row = store.conn.execute(
        "SELECT name, role FROM curate_users WHERE name = ?", (name,)
    ).fetchone()
    return User(row[0], row[1]) if row else None


_DECOY: list[
    str
] = []  # a hash no password matches, made once: unknown names cost one scrypt, like known ones


def _credentials(store: Store, name: str) -> tuple[User | None, str]:
    """The user called ``name`` (None: no such user, or one without a password) and the hash to check."""
    row = store.conn.execute(
        "SELECT name, role, password_hash FROM curate_users WHERE name = ?", (name,)
    ).fetchone()
    if row is not None and row[2]:
        return User(row[0], row[1]), row[2]
    if not _DECOY:
        _DECOY.append(hash_password(secrets.token_urlsafe(32)))
    return None, _DECOY[0]


def _accepted(user: User | None, matches: bool) -> User:
    if user is None or not matches:
        raise AuthError("unknown user or wrong password")
    return user


def authenticate(store: Store, name: str, password: str) -> User:
    """The user whose name and password these are; :class:`AuthError` otherwise.

    An unknown name costs the same password work as a known one, so the time a
    login takes does not tell which names have accounts.
    """
    user, stored = _credentials(store, name)
    return _accepted(user, verify_password(password, stored))


async def authenticate_off_loop(store: Store, name: str, password: str) -> User:
    """:func:`authenticate` for a server: the store is read here, the scrypt work in a worker thread."""
    import anyio.to_thread

    user, stored = _credentials(store, name)
    return _accepted(user, await anyio.to_thread.run_sync(verify_password, password, stored))


def create_session(store: Store, user: User) -> tuple[str, str]:
    """Start a login session: returns (cookie token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    created = datetime.now(UTC)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO curate_sessions(token_hash, user, csrf, created, expires) VALUES (?, ?, ?, ?, ?)",
            (
                _token_hash(token),
                user.name,
                csrf,
                created.isoformat(timespec="seconds"),
                (created + timedelta(days=SESSION_DAYS)).isoformat(timespec="seconds"),
            ),
        )
    return token, csrf


def session_user(store: Store, token: str) -> tuple[User, str] | None:
    """(user, CSRF token) of a live session cookie, or None."""
    row = store.conn.execute(
        "SELECT u.name, u.role, s.csrf, s.expires FROM curate_sessions s JOIN curate_users u ON u.name = s.user"
        " WHERE s.token_hash = ?",
        (_token_hash(token),),
    ).fetchone()
    if row is None or row[3] < now():
        return None
    return User(row[0], row[1]), row[2]


def end_session(store: Store, token: str) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM curate_sessions WHERE token_hash = ?", (_token_hash(token),))


def create_token(store: Store, name: str, label: str | None = None) -> str:
    """A new API token for ``name`` (shown once; only its hash is kept)."""
    if get_user(store, name) is None:
        raise CurationError(f"no user {name!r}")
    token = "cur_" + secrets.token_urlsafe(32)
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO curate_tokens(token_hash, user, label, created) VALUES (?, ?, ?, ?)",
            (_token_hash(token), name, label, now()),
        )
    return token


def token_user(store: Store, token: str) -> User | None:
    row = store.conn.execute(
        "SELECT u.name, u.role FROM curate_tokens t JOIN curate_users u ON u.name = t.user WHERE t.token_hash = ?",
        (_token_hash(token),),
    ).fetchone()
    return User(row[0], row[1]) if row else None


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(expected, given)  # type: ignore[arg-type]


class LoginThrottle:
    """Failed logins make the next attempt wait, longer after each failure, per account and per client.

    The first ``free`` failures of a key (an account name, or a client address)
    cost nothing, so a mistyped password is no trouble; from then on each one
    makes that key wait ``base`` seconds, doubling with every further failure up
    to ``cap`` (an IPv6 client counts as its /64 network). While a key waits, its login attempts are refused without the
    password being looked at, so guessing runs at a few tries an hour per
    account however many addresses try, and an address trying many names
    slows down the same way. A successful login clears the account's count
    (not the address's); a key with no failure for ``forget`` seconds is
    forgotten. ``clock`` (seconds, monotonic) is injectable for tests. At most
    ``max_keys`` keys are remembered; when full, expired ones go first, then the
    oldest. One lock guards the table (requests may come from worker threads).
    """

    def __init__(
        self,
        *,
        free: int = 5,
        base: float = 1.0,
        cap: float = 300.0,
        forget: float = 3600.0,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.free, self.base, self.cap, self.forget, self.max_keys = (
            free,
            base,
            cap,
            forget,
            max_keys,
        )
        self.clock = clock
        self._failures: OrderedDict[str, tuple[int, float]] = (
            OrderedDict()
        )  # key → (count, last failure)
        self._lock = threading.Lock()

    def delay(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures in a row."""
        if failures < self.free:
            return 0.0
        return min(self.cap, self.base * 2 ** min(failures - self.free, 64))

    @staticmethod
    def keys(name: str, client: str | None) -> tuple[str, str]:
        """(account key, client key); an IPv6 client counts as its /64 network, which one holder has."""
        where = client or "?"
        try:
            addr = ipaddress.ip_address(where)
        except ValueError:
            pass
        else:
            if addr.version == 6 and addr.ipv4_mapped is not None:
                where = str(addr.ipv4_mapped)
            elif addr.version == 6:
                where = str(ipaddress.ip_network(f"{addr}/64", strict=False))
        return f"user:{name}", f"client:{where}"

    def wait(self, *keys: str) -> float:
        """Seconds until an attempt for all of ``keys`` is allowed (0: now)."""
        now_ = self.clock()
        with self._lock:
            waits = []
            for key in keys:
                found = self._failures.get(key)
                if found is not None:
                    count, last = found
                    waits.append(last + self.delay(count) - now_)
            return max([0.0, *waits])

    def failed(self, *keys: str) -> None:
        now_ = self.clock()
        with self._lock:
            for key in keys:
                count, last = self._failures.pop(key, (0, now_))
                if now_ - last > max(self.forget, self.delay(count)):
                    count = 0
                self._failures[key] = (count + 1, now_)
            self._prune(now_)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _prune(self, now_: float) -> None:
        if len(self._failures) <= self.max_keys:
            return
        for key, (count, last) in list(self._failures.items()):
            if now_ - last > max(self.forget, self.delay(count)):
                del self._failures[key]
        while len(self._failures) > self.max_keys:
            self._failures.popitem(last=False)
