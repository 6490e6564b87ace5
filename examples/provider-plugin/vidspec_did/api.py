"""Every fact this plugin relies on about D-ID's Talks API, in one table.

**[doc]**: on D-ID's API reference (docs.d-id.com/reference: "Create a talk", "Get a talk",
"Get talks", "Delete a talk", "Get credits"). **[assumed]**: where the reference is silent;
README.md lists each, so a user who finds the service differs knows what to correct here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from vidspec.plugin import Capabilities, Rate, TaskState


@dataclass(frozen=True)
class DidApi:
    default_base_url: str = "https://api.d-id.com"  # [doc]
    talks_path: str = "/talks"  # [doc] POST creates, GET lists (paged)
    talk_path: str = "/talks/{id}"  # [doc] GET one, DELETE one
    credits_path: str = "/credits"  # [doc] the account's credits
    # [doc] "Authorization: Basic <API key>": the key D-ID shows is already the encoded
    # user:password pair, sent as it is.
    auth_scheme: str = "Basic"
    page_param: str = "limit"  # [doc] talks per page (default 100)
    token_param: str = "token"  # [doc] the next page's token, from the previous answer
    page_size: int = 100  # [doc] the default page
    # [assumed] no rate limit is published for /talks; 10 creates a minute stays well
    # inside what accounts report, and reads are not limited.
    generation_rate: Rate = Rate(10, 60.0)  # noqa: RUF009 - Rate is frozen
    # [assumed] talks are kept 30 days (results are served from S3 links that expire)
    retention: timedelta = timedelta(days=30)
    # [doc] a credit buys 15 seconds of video: 4 credits a minute
    credits_per_minute: float = 4.0
    # [doc] user_data: 1-1000 characters; name: free text [assumed: 1-100]
    max_user_data: int = 1000
    max_name: int = 100


API = DidApi()

STATES = {  # [doc] a talk's status
    "created": TaskState.QUEUED,
    "started": TaskState.RUNNING,
    "done": TaskState.DONE,
    "error": TaskState.FAILED,
    "rejected": TaskState.FAILED,
}

CAPABILITIES = Capabilities(
    kind="did",
    display_name="D-ID",
    can_rename=False,  # [doc] no call changes a talk's name
    can_delete=True,  # [doc] DELETE /talks/{id}
    can_cancel=False,  # [doc] no cancel call
    name_field="name",
    script_path="script.input",
    retention=API.retention,
    generation_rate=API.generation_rate,
    cost_unit="credits",
    credits_per_minute=API.credits_per_minute,
    list_page_size=API.page_size,
    listing_end="marked",  # the last page carries no token
    catalog_requests=1,  # GET /credits
    generation_seconds=60.0,  # [assumed]
    listing_shows_tasks=True,  # [assumed] GET /talks lists talks still generating
)
