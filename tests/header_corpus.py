"""Header rows in the shapes real tools export, and the field each header should be read as.

Each case is one tool's export as a CSM would download it: the column headers
that tool writes, and for each the canonical field or model signal it should
map to with no clicks (None: the column means something the model does not
use, and must not be taken as a signal).  Where each list came from is cited
above it; the exact headers are how the tool's export or report labels the
documented fields.  The recogniser must handle these by its general rule
(``scoring.portfolio.ingest.fields.header_form``), never by listing them.

``SAMPLE_ROWS`` gives a few plausible rows for three of the cases, which the
browser test writes as CSV files and uploads.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HeaderCase:
    tool: str
    source: str
    headers: dict[str, str | None]


CASES: tuple[HeaderCase, ...] = (
    # Salesforce account report exported as CSV: standard Account fields as report columns
    # (Account Name, Account Owner, Account ID, Type, Industry, Phone, Created Date, Last Activity,
    # Annual Revenue, Employees; object reference
    # https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_account.htm,
    # column list as in turbot/steampipe-plugin-salesforce docs/tables/salesforce_account.md), plus the
    # custom CS fields a CS team adds; currency columns export with "(converted)" in multi-currency orgs.
    HeaderCase(
        "Salesforce report",
        "developer.salesforce.com Account object; steampipe-plugin-salesforce salesforce_account.md",
        {
            "Account Name": "account_name",
            "Account Owner": "owner",
            "Account ID": "account_id",
            "Type": None,
            "Industry": None,
            "Billing State/Province": None,
            "Phone": None,
            "Created Date": None,
            "Last Activity": "last_checkin",
            "Annual Revenue": None,
            "Employees": None,
            "ARR (converted)": "arr",
            "Contract End Date": "renewal_date",
            "Customer Segment": "segment",
        },
    ),
    # HubSpot companies view exported as CSV: default company properties as labelled in the export
    # (Record ID, Company name, Company owner, Create Date, Phone Number, Last Activity Date, City,
    # Country/Region, Industry, Annual Revenue, Number of Employees, Lifecycle Stage; property list in
    # https://docs.progress.com/bundle/datadirect-hubspot-odbc-80/page/COMPANIES.html and
    # https://developers.hubspot.com/docs/api-reference/latest/crm/objects/companies/guide), plus a custom
    # ARR and renewal property.
    HeaderCase(
        "HubSpot companies",
        "HubSpot COMPANIES properties (docs.progress.com, developers.hubspot.com)",
        {
            "Record ID": "account_id",
            "Company name": "account_name",
            "Company owner": "owner",
            "Create Date": None,
            "Phone Number": None,
            "Last Activity Date": "last_checkin",
            "City": None,
            "Country/Region": None,
            "Industry": None,
            "Annual Revenue": None,
            "Number of Employees": None,
            "Lifecycle Stage": None,
            "Annual Recurring Revenue": "arr",
            "Renewal Date": "renewal_date",
        },
    ),
    # Gainsight NXT Company object report export: standard Company fields (ARR, CSM, Current Score,
    # Lifetime in Months, MRR, Name, NPS, Original Contract Date, Previous Score, Renewal Date, Users),
    # https://support.gainsight.com/gainsight_nxt/Gainsight_Object_Glossary/CS_Object_Glossary/Gainsight_Standard_Objects
    HeaderCase(
        "Gainsight company",
        "support.gainsight.com Gainsight Standard Objects: Company",
        {
            "GSID": "account_id",
            "Name": "account_name",
            "CSM": "owner",
            "ARR": "arr",
            "MRR": None,
            "Current Score": None,
            "Previous Score": None,
            "NPS®": "nps",
            "Lifetime in Months": None,
            "Original Contract Date": None,
            "Renewal Date": "renewal_date",
            "Industry": None,
            "Stage": None,
        },
    ),
    # ChurnZero account export: standard account fields (Account External Id, Account Name, Owner User
    # Account, Next Renewal Date, Total Contract Amount, License Count, Start Date, End Date, Is Active,
    # ChurnScore); tables in https://fivetran.com/docs/connectors/applications/churnzero/connector-schema
    HeaderCase(
        "ChurnZero accounts",
        "fivetran.com ChurnZero connector schema (account)",
        {
            "Account External Id": "account_id",
            "Account Name": "account_name",
            "Owner User Account": "owner",
            "Next Renewal Date": "renewal_date",
            "Total Contract Amount": None,
            "License Count": "licensed_seats",
            "Start Date": None,
            "Is Active": None,
            "ChurnScore": None,
            "Parent Account External Id": None,
        },
    ),
    # Vitally accounts table exported as CSV: account traits (health scores, MRR, NPS, renewal, CSM,
    # segments, last seen); https://www.definite.app/connector/vitally (Account: health scores, MRR,
    # renewal data, NPS) and https://fivetran.com/docs/connectors/applications/vitally/connector-schema
    HeaderCase(
        "Vitally accounts",
        "definite.app Vitally connector; fivetran.com Vitally connector schema",
        {
            "External ID": "account_id",
            "Name": "account_name",
            "CSM": "owner",
            "Segments": "segment",
            "MRR": None,
            "Health Score": None,
            "NPS Score": "nps",
            "Next Renewal Date": "renewal_date",
            "Last Seen": None,
            "Active Users (Last 30 Days)": "active_users",
            "Created At": None,
            "Account Executive": None,
        },
    ),
    # Pendo account list exported as CSV: account id, first and last visit, visitors, days active, events
    # and time on site over the chosen window (Pendo account metadata and activity in
    # https://fivetran.com/docs/connectors/applications/pendo/connector-schema and
    # https://docs.merge.dev/merge-workforce/connectors/pendo.md); Pendo calls users "visitors".
    HeaderCase(
        "Pendo accounts",
        "fivetran.com Pendo connector schema; docs.merge.dev Pendo",
        {
            "Account ID": "account_id",
            "First Visit": None,
            "Last Visit": None,
            "Number of Visitors": "active_users",
            "Days Active (Last 30 Days)": None,
            "Number of Events - 30 days": None,
            "Time on Site (Minutes)": None,
            "Licensed Users": "licensed_seats",
        },
    ),
    # Mixpanel group (company) profiles and an Insights breakdown exported as CSV: reserved profile
    # properties ($name, $last_seen, $created) and the group key, with unique users and sessions per
    # company; https://docs.mixpanel.com/docs/export-methods
    HeaderCase(
        "Mixpanel companies",
        "docs.mixpanel.com Export Methods (profiles and report CSV)",
        {
            "company_id": "account_id",
            "$name": "account_name",
            "$created": None,
            "$last_seen": None,
            "Unique Users (Last 30 Days)": "active_users",
            "Sessions - 30 days": "logins",
            "Month": "period",
        },
    ),
    # Amplitude Accounts chart exported as CSV: the group (org) with active users and logins over a
    # trailing window, monthly; Dashboard REST API active-user counts and group properties,
    # https://amplitude.com/docs/apis/analytics
    HeaderCase(
        "Amplitude accounts",
        "amplitude.com Analytics APIs (active users, Group Identify)",
        {
            "org_id": "account_id",
            "Org Name": "account_name",
            "Active Users (L30D)": "active_users",
            "Logins L30D": "logins",
            "Avg Session Length (s)": None,
            "Month": "period",
        },
    ),
    # Stripe Billing subscriptions exported from the dashboard as CSV: id, Customer ID, Customer Email,
    # Plan, Product, Quantity, Interval, Amount, Status, Created (UTC), Current Period Start/End (UTC),
    # Cancel At Period End; subscription fields as in the Stripe API (customer, status, current_period_end,
    # quantity), https://docs.stripe.com/api/subscriptions/object
    HeaderCase(
        "Stripe subscriptions",
        "docs.stripe.com Subscription object, dashboard CSV labels",
        {
            "id": None,
            "Customer ID": "account_id",
            "Customer Email": None,
            "Customer Name": "account_name",
            "Plan": None,
            "Product": None,
            "Interval": None,
            "Amount": None,
            "Status": None,
            "Created (UTC)": None,
            "Current Period Start (UTC)": None,
            "Current Period End (UTC)": "renewal_date",
            "Cancel At Period End": None,
        },
    ),
    # Chargebee subscriptions export (CSV with table-prefixed headers): subscription id, customer id,
    # status, plan quantity, current term end, mrr, and the customer's company; Export.subscriptions
    # fields in https://javadoc.io/static/com.chargebee/chargebee-java/3.46.0/com/chargebee/models/class-use/Export.SubscriptionsRequest.html
    HeaderCase(
        "Chargebee subscriptions",
        "Chargebee Export.subscriptions (chargebee-java javadoc)",
        {
            "subscriptions.id": None,
            "subscriptions.customer_id": "account_id",
            "customers.company": "account_name",
            "subscriptions.status": None,
            "subscriptions.created_at": None,
            "subscriptions.current_term_end": "renewal_date",
            "subscriptions.mrr": None,
            "subscriptions.plan_id": None,
        },
    ),
    # A spreadsheet a CSM team keeps by hand: short headers with units and symbols.
    HeaderCase(
        "Hand-kept spreadsheet",
        "typical hand-kept CSM tracker",
        {
            "Customer": "account_name",
            "Acct #": "account_id",
            "CSM": "owner",
            "Tier": "segment",
            "ARR ($)": "arr",
            "Renewal": "renewal_date",
            "# Seats": "licensed_seats",
            "No. of active users": "active_users",
            "Usage % (MTD)": "usage_rate",
            "Teams live %": "teams_live",
            "Overrides %": "override_rate",
            "Seat Utilisation": "seat_utilization",
            "Days since last check-in": "days_since_checkin",
            "Notes": None,
        },
    ),
)

# Headers that mean something other than any signal: never mapped to one.
NOT_SIGNALS: tuple[str, ...] = (
    "Created Date",
    "Phone",
    "Close Date",
    "Last Modified Date",
    "Number of Employees",
    "Industry",
    "Start Date",
    "Health Score",
    "MRR",
    "Days Active (Last 30 Days)",
    "Time on Site (Minutes)",
    "Customer Email",
    "Billing City",
    "Lead Source",
)

# A few plausible rows for three cases, written as CSV by the browser test.
SAMPLE_ROWS: dict[str, list[list[str]]] = {
    "Hand-kept spreadsheet": [
        [
            "Acme Corp",
            "A-100",
            "Dana Lee",
            "Enterprise",
            "120000",
            "2027-03-31",
            "200",
            "150",
            "82",
            "75",
            "10",
            "75",
            "12",
            "QBR booked",
        ],
        [
            "Birch Ltd",
            "A-101",
            "Sam Ortiz",
            "Mid-market",
            "45000",
            "2027-01-15",
            "50",
            "20",
            "40",
            "30",
            "35",
            "40",
            "50",
            "",
        ],
        [
            "Cedar Inc",
            "A-102",
            "Dana Lee",
            "SMB",
            "9000",
            "2026-12-20",
            "10",
            "9",
            "91",
            "100",
            "2",
            "90",
            "5",
            "champion left",
        ],
    ],
    "Salesforce report": [
        [
            "Acme Corp",
            "Dana Lee",
            "001A000001",
            "Customer",
            "Software",
            "CA",
            "+1 555 0100",
            "2021-04-02",
            "2026-11-02",
            "5000000",
            "250",
            "120000",
            "2027-03-31",
            "Enterprise",
        ],
        [
            "Birch Ltd",
            "Sam Ortiz",
            "001A000002",
            "Customer",
            "Retail",
            "NY",
            "+1 555 0101",
            "2022-06-10",
            "2026-09-20",
            "800000",
            "60",
            "45000",
            "2027-01-15",
            "Mid-market",
        ],
        [
            "Cedar Inc",
            "Dana Lee",
            "001A000003",
            "Customer",
            "Health",
            "TX",
            "+1 555 0102",
            "2023-01-12",
            "2026-11-20",
            "120000",
            "12",
            "9000",
            "2026-12-20",
            "SMB",
        ],
    ],
    "Amplitude accounts": [
        ["001A000001", "Acme Corp", "150", "900", "310", "2026-11"],
        ["001A000002", "Birch Ltd", "20", "80", "95", "2026-11"],
        ["001A000003", "Cedar Inc", "9", "60", "240", "2026-11"],
    ],
}
