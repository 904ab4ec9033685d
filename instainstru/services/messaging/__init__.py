"""Messages between a student and an instructor.

One conversation per student–instructor pair (`conversations`: opened from the instructor's profile, a booking or
the inbox; read and written only by its two people, admins read it through `admin_conversation`), plain-text
messages of up to 2,000 characters with read receipts (each side's last-read message) and the unread count of the
header; contact details masked until the pair's first paid lesson (`masking`); blocking a person and reporting a
conversation (`safety`: a block stops messages both ways and the blocked student's bookings, checked by the
booking engine); and the mail about a message still unread after 10 minutes (`unread_mail`, a step of the jobs).
"""
