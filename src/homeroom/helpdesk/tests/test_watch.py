"""The watch form tells nobody which usernames and emails have accounts: a requester who
posts it is refused alike for any name, and a technician gets the same answer whether or
not the account exists (only accounts at the ticket's site are looked up)."""

from homeroom.core import roles


def flashes(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_a_requester_is_refused_alike_for_any_name(file_ticket, teacher, users, client_as):
    ticket = file_ticket()
    client = client_as(teacher)
    url = f"/tickets/{ticket.pk}/watch/"
    real = client.post(url, {"watch": "1", "who": users[roles.LIBRARIAN].email})
    made_up = client.post(url, {"watch": "1", "who": "nobody@example.org"})
    assert real.status_code == made_up.status_code == 403
    for response in (real, made_up):
        page = response.content.decode()
        assert "No account" not in page and "example.org" not in page
    assert not ticket.watchers.exists()


def test_a_technician_gets_one_answer_whether_or_not_the_account_exists(
    file_ticket, tech, users, make_user, sites, client_as
):
    ticket = file_ticket()
    elsewhere = make_user("south_teacher", roles.TEACHER, sites=[sites[1]], email="s@example.org")
    client = client_as(tech)
    url = f"/tickets/{ticket.pk}/watch/"
    answers = {}
    for who in (users[roles.LIBRARIAN].username, "nobody@example.org", elsewhere.email):
        response = client.post(url, {"watch": "1", "who": who}, follow=True)
        answers[who] = [text.replace(who, "…") for text in flashes(response)]
    assert len({tuple(answer) for answer in answers.values()}) == 1
    assert answers["nobody@example.org"] == [
        "If “…” is the username or email of someone at North Elementary, they now get this "
        "ticket's replies."
    ]
    assert list(ticket.watchers.all()) == [users[roles.LIBRARIAN]]
