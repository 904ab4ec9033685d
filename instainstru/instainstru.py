"""The app: pages registered with their routes and loaders, nothing else."""

import reflex as rx

from instainstru.pages.auth import login_page, signup_page
from instainstru.pages.dashboards import admin_page, instructor_page, student_page
from instainstru.pages.home import home_page
from instainstru.pages.public import instructor_profile_page, not_found_page, search_page
from instainstru.state.dashboards import AdminHomeState, InstructorHomeState, StudentHomeState
from instainstru.state.home import HomeState, SearchPageState
from instainstru.state.instructor_public import InstructorPublicState
from instainstru.state.login import LoginState
from instainstru.state.session import SessionState
from instainstru.state.signup import SignupState

app = rx.App()
app.add_page(home_page, route="/", title="InstaInstru · Lessons in NYC", on_load=[SessionState.refresh, HomeState.load])
app.add_page(login_page, route="/login", title="Log in · InstaInstru", on_load=LoginState.open)
app.add_page(signup_page, route="/signup", title="Sign up · InstaInstru", on_load=SignupState.open)
app.add_page(
    search_page, route="/search", title="Search · InstaInstru", on_load=[SessionState.refresh, SearchPageState.load]
)
app.add_page(
    instructor_profile_page,
    route="/instructors/[slug]",
    title="Instructor · InstaInstru",
    on_load=[SessionState.refresh, InstructorPublicState.load],
)
app.add_page(
    student_page,
    route="/student",
    title="My lessons · InstaInstru",
    on_load=[SessionState.refresh, StudentHomeState.load],
)
app.add_page(
    instructor_page,
    route="/instructor",
    title="Dashboard · InstaInstru",
    on_load=[SessionState.refresh, InstructorHomeState.load],
)
app.add_page(
    admin_page, route="/admin", title="Admin · InstaInstru", on_load=[SessionState.refresh, AdminHomeState.load]
)
app.add_page(not_found_page, route="404", title="Page not found · InstaInstru", on_load=SessionState.refresh)
