"""The rows of the lists several pages show, as the states hold them: one dict of plain values per item.

A page reads a row's values by key (`row["when"]`) and tells Reflex the type of one it passes on (`row["id"].to(int)`
for a handler taking a number).
"""

# A lesson in a list of lessons (`vars` of `services.booking.lessons.LessonLine`; the student's past ones also say
# what can be done about their review).
LessonRow = dict[str, str | int | bool]

# An instructor in a list of results (`vars` of `services.discovery.search.ResultCard`).
ResultRow = dict[str, str | int | bool]

# A service with its prices as lines of text (`services.instructors.offerings.OfferingView.summary()`).
ServiceRow = dict[str, str | int | list[str]]

# One lesson's money in a table of payments or earnings: the lesson's id and lines of text.
MoneyRow = dict[str, str | int]

# A day's free start times: its label and its times ({"iso", "label", "start"}: `SlotDay`'s).
SlotDayRow = dict[str, str | list[dict[str, str]]]

# A caught message on /dev/mail (`asdict` of `services.mail.caught.CaughtMail`): subject, to, from, date and its text
# as parts ({"text", "href"}: a link when href is set).
CaughtMailRow = dict[str, str | list[dict[str, str]]]

# A notification in the header's bell (`vars` of `services.notifications.bell.Item`).
NotificationRow = dict[str, str | int | bool]

# A conversation in the inbox (`vars` of `services.messaging.conversations.InboxLine`).
InboxRow = dict[str, str | int]

# A message in a conversation (`vars` of `services.messaging.conversations.MessageLine`).
MessageRow = dict[str, str | int | bool]

# A reported conversation on the admin home (`vars` of `services.dashboards.ReportRow`).
ReportRow = dict[str, str]

# A message as an admin reads it (`vars` of `services.messaging.conversations.AdminLine`).
AdminMessageRow = dict[str, str | int | bool]

# A login session in the settings' list: id, device, started, seen (text) and current (this browser).
SessionRow = dict[str, str | int | bool]
