"""Runtime settings, read once from the environment by the composition root."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHIPPED_BPMN_DIR = PROJECT_ROOT / "bpmn"


def default_database_url(instance_dir: Path | None = None) -> str:
    """SQLite file in the instance folder of the working directory (the embedded default)."""
    instance_dir = instance_dir or Path.cwd() / "instance"
    return f"sqlite:///{instance_dir / 'integraflow.sqlite'}"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value is None or not value.strip() else int(value)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return default if value is None or not value.strip() else float(value)


@dataclass(frozen=True)
class Settings:
    """Everything the composition root needs to build the system."""

    database_url: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_DATABASE_URL")
                              or default_database_url())
    bpmn_dir: Path = SHIPPED_BPMN_DIR
    workflow_cache_size: int = 256
    echo_sql: bool = False
    # PostgreSQL: psycopg prepares a query after its 5th run on a connection (the server then keeps its plan).
    # Off for PgBouncer in transaction mode without `max_prepared_statements` (docs/scaling.md).
    db_prepared_statements: bool = field(
        default_factory=lambda: _env_bool("INTEGRAFLOW_DB_PREPARED_STATEMENTS", True))
    # Scheduler: `integraflow serve` runs it in-process unless turned off (several web workers: run
    # `integraflow scheduler` once instead).
    scheduler_in_process: bool = field(default_factory=lambda: _env_bool("INTEGRAFLOW_SCHEDULER_IN_PROCESS", True))
    sweep_interval_seconds: int = field(default_factory=lambda: int(os.environ.get("INTEGRAFLOW_SWEEP_SECONDS", "30")))
    # E-mail digests: off unless a host is configured.
    smtp_host: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_SMTP_HOST") or None)
    smtp_port: int = field(default_factory=lambda: int(os.environ.get("INTEGRAFLOW_SMTP_PORT", "25")))
    smtp_tls: bool = field(default_factory=lambda: _env_bool("INTEGRAFLOW_SMTP_TLS", False))
    smtp_user: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_SMTP_USER") or None)
    smtp_password: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_SMTP_PASSWORD") or None)
    mail_sender: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_MAIL_SENDER",
                                                                     "integraflow@localhost"))
    base_url: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_BASE_URL", "http://127.0.0.1:5000"))
    # Sign-in hardening: failures per username / per client address within the window lock for the lockout time.
    login_max_failures: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_LOGIN_MAX_FAILURES", 5))
    login_ip_max_failures: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_LOGIN_IP_MAX_FAILURES", 20))
    login_window_minutes: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_LOGIN_WINDOW_MINUTES", 15))
    login_lockout_minutes: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_LOGIN_LOCKOUT_MINUTES", 15))
    session_idle_minutes: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_SESSION_IDLE_MINUTES", 30))
    # Reverse proxies in front of the app (0: none). Only then are X-Forwarded-For/-Proto trusted, so the per-IP
    # login limit counts the visitor's address, not the proxy's (which would lock everyone out at once).
    proxy_hops: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_PROXY_HOPS", 0))
    # Who answers barriers reported through the accessibility statement (Erklärung zur Barrierefreiheit).
    accessibility_contact: str | None = field(
        default_factory=lambda: os.environ.get("INTEGRAFLOW_ACCESSIBILITY_CONTACT") or None)
    # Execution limits of BPMN scripts and expressions per workflow step (README: "Limits für Skripte und Eingaben").
    script_seconds: float = field(default_factory=lambda: _env_float("INTEGRAFLOW_SCRIPT_SECONDS", 1.0))
    script_steps: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_SCRIPT_STEPS", 2_000_000))
    script_max_chars: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_SCRIPT_MAX_CHARS", 1_000_000))
    script_max_items: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_SCRIPT_MAX_ITEMS", 100_000))
    task_data_max_chars: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_TASK_DATA_MAX_CHARS", 1_000_000))

    # Case documents (issue 18): bytes in the database unless a directory is configured; size limit in MB; uploads
    # scanned by a ClamAV daemon ("host:port" or a unix socket path) when one is configured.
    document_dir: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_DOCUMENT_DIR") or None)
    document_max_mb: float = field(default_factory=lambda: _env_float("INTEGRAFLOW_DOCUMENT_MAX_MB", 10.0))
    clamd: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_CLAMD") or None)

    # Webhooks (issue 16) go only to these hosts (comma-separated, e.g. "dwh.kreis.example,127.0.0.1"); empty: none.
    webhook_hosts: tuple[str, ...] = field(default_factory=lambda: tuple(
        h.strip().lower() for h in os.environ.get("INTEGRAFLOW_WEBHOOK_HOSTS", "").split(",") if h.strip()))

    # Operations: readiness fails when no scheduler reported for this long; /metrics needs the token or an address
    # in the allow-list (comma-separated addresses or networks); log lines as JSON when INTEGRAFLOW_LOG_FORMAT=json.
    heartbeat_max_age_seconds: int = field(default_factory=lambda: _env_int("INTEGRAFLOW_HEARTBEAT_MAX_AGE_SECONDS",
                                                                            300))
    metrics_token: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_METRICS_TOKEN") or None)
    metrics_allow: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_METRICS_ALLOW", ""))
    # Second factor (TOTP) required for the admin and data-protection roles when set.
    require_totp: bool = field(default_factory=lambda: _env_bool("INTEGRAFLOW_REQUIRE_TOTP", False))
    # Single sign-on (OpenID Connect): off unless an issuer is set. Groups map to roles by
    # INTEGRAFLOW_OIDC_ROLE_MAP ("group=role,…"); INTEGRAFLOW_OIDC_CREATE_USERS=1 creates unknown users just in time.
    oidc_issuer: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_ISSUER") or None)
    oidc_client_id: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_CLIENT_ID", ""))
    oidc_client_secret: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_CLIENT_SECRET", ""))
    oidc_scopes: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_SCOPES",
                                                                    "openid profile email"))
    oidc_username_claim: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_USERNAME_CLAIM",
                                                                            "preferred_username"))
    oidc_groups_claim: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_GROUPS_CLAIM", "groups"))
    oidc_organisation_claim: str = field(default_factory=lambda: os.environ.get(
        "INTEGRAFLOW_OIDC_ORGANISATION_CLAIM", "organisation"))
    oidc_municipalities_claim: str = field(default_factory=lambda: os.environ.get(
        "INTEGRAFLOW_OIDC_MUNICIPALITIES_CLAIM", "municipalities"))
    oidc_role_map: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_ROLE_MAP", ""))
    oidc_create_users: bool = field(default_factory=lambda: _env_bool("INTEGRAFLOW_OIDC_CREATE_USERS", False))
    oidc_button_label: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_OIDC_BUTTON_LABEL",
                                                                          "Mit dem Dienstkonto anmelden"))
    # LDAP / Active Directory sign-in: off unless a URL is set; tried before local passwords.
    ldap_url: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LDAP_URL") or None)
    ldap_base_dn: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LDAP_BASE_DN", ""))
    ldap_user_filter: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LDAP_USER_FILTER",
                                                                         "(uid={username})"))
    ldap_bind_dn: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LDAP_BIND_DN") or None)
    ldap_bind_password: str | None = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LDAP_BIND_PASSWORD")
                                           or None)
    ldap_group_attribute: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LDAP_GROUP_ATTRIBUTE",
                                                                             "memberOf"))
    ldap_organisation_attribute: str = field(default_factory=lambda: os.environ.get(
        "INTEGRAFLOW_LDAP_ORGANISATION_ATTRIBUTE", "o"))
    ldap_municipalities_attribute: str = field(default_factory=lambda: os.environ.get(
        "INTEGRAFLOW_LDAP_MUNICIPALITIES_ATTRIBUTE", "l"))
    ldap_role_map: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LDAP_ROLE_MAP", ""))
    ldap_create_users: bool = field(default_factory=lambda: _env_bool("INTEGRAFLOW_LDAP_CREATE_USERS", False))
    log_format: str = field(default_factory=lambda: os.environ.get("INTEGRAFLOW_LOG_FORMAT", "text"))

    @property
    def is_sqlite(self) -> bool:
        """True when the embedded SQLite database is in use."""
        return self.database_url.startswith("sqlite")
