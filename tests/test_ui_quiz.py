"""The quiz page, driven like a student: answer right and wrong, retry, finish, restart the app, review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from healthalloc.core.quiz import Question
from healthalloc.ui.quiz_widgets import ChoiceEditor, NumericEditor, OrderingEditor


def _right(question: Question) -> Any:
    if question.kind == "multiple":
        return list(question.answer)
    if question.kind == "numeric":
        return question.numeric_answer()
    if question.kind == "ordering":
        return tuple(range(len(question.options)))
    return question.answer


def _quiz(window: Any, **params: str) -> Any:
    assert window.open_page("quiz", params)
    return window.pages["quiz"]


def test_a_wrong_then_a_right_answer_shows_feedback(window: Any, qtbot: Any) -> None:
    page = _quiz(window, lesson="overview")
    question = page.current_question()
    assert question.kind == "single"
    editor = page._editor
    assert isinstance(editor, ChoiceEditor)
    wrong = (question.answer + 1) % len(question.options)

    qtbot.mouseClick(editor.rows[wrong].button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert page.feedback.isVisible()
    text = page.feedback.text()
    assert "Not quite" in text
    assert question.why_wrong[wrong][:40].replace("'", "&#x27;") in text
    assert editor.rows[wrong].reason.isVisible()
    assert editor.rows[question.answer].mark.text() == "✓"
    assert not editor.rows[0].button.isEnabled()  # locked until "Try again"
    assert page.retry_button.isVisible() and not page.check_button.isVisible()

    qtbot.mouseClick(page.retry_button, Qt.MouseButton.LeftButton)
    editor = page._editor
    assert not page.feedback.isVisible()
    qtbot.mouseClick(editor.rows[question.answer].button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(page.check_button, Qt.MouseButton.LeftButton)
    assert "Correct" in page.feedback.text()
    assert "Your score keeps your first answer" in page.feedback.text()
    assert page.current_pass.first_results[question.id] is False


def test_checking_without_an_answer_asks_for_one(window: Any) -> None:
    page = _quiz(window, lesson="overview")
    page.check_answer()
    assert page.message_label.isVisibleTo(page)
    assert "first" in page.message_label.text()
    assert not page.feedback.isVisibleTo(page)


def test_every_kind_of_editor_marks_answers(window: Any, qtbot: Any) -> None:
    page = _quiz(window, lesson="principles")
    kinds_seen = set()
    for index, question in enumerate(page._questions):
        page.show_question(index)
        kinds_seen.add(question.kind)
        if question.kind == "numeric":
            assert isinstance(page._editor, NumericEditor)
            page._editor.field.clear()
            qtbot.keyClicks(page._editor.field, f"{question.numeric_answer():.3f}")
            qtbot.keyClick(page._editor.field, Qt.Key.Key_Return)
            assert "Correct" in page.feedback.text(), question.id
        elif question.kind == "ordering":
            editor = page._editor
            assert isinstance(editor, OrderingEditor)
            assert editor.response() != tuple(range(len(question.options)))  # starts scrambled
            editor.list.setCurrentRow(0)
            editor.move_current(1)
            page.check_answer()
            assert "item" in page.feedback.text()
        else:
            page.answer(_right(question))
            assert "Correct" in page.feedback.text(), question.id
    assert {"single", "multiple", "numeric", "ordering"} <= kinds_seen


def test_scores_survive_a_restart(window: Any, ctx: Any, data_dir: Path, qtbot: Any) -> None:
    page = _quiz(window, lesson="overview")
    questions = list(page._questions)
    for index, question in enumerate(questions):
        page.show_question(index)
        response = _right(question)
        if index == 0:
            response = (question.answer + 1) % len(question.options)  # one miss
        page.answer(response)
    qtbot.mouseClick(page.next_button, Qt.MouseButton.LeftButton)
    assert page.views.currentWidget() is page.summary
    expected = (len(questions) - 1) / len(questions)
    assert f"{len(questions) - 1} of {len(questions)} right" in page.summary_score.text()
    assert ctx.store.quiz_scores()["overview"] == (expected, expected, 1)
    assert ctx.store.due_for_review() == []  # a missed question comes back in a later session
    window.close()
    ctx.store.close()

    from healthalloc.ui.application import build_context, make_settings
    from healthalloc.ui.main_window import MainWindow

    again = build_context(make_settings(), data_dir)
    try:
        second = MainWindow(again)
        qtbot.addWidget(second)
        second.open_page("quiz")
        chooser = second.pages["quiz"]
        row = next(r for r in range(chooser.table.rowCount()) if chooser.table.item(r, 0).text().startswith("1."))
        shown = f"{expected * 100:.0f}%"
        assert (chooser.table.item(row, 2).text(), chooser.table.item(row, 3).text()) == (shown, shown)

        # The missed question is due in this new session: review it.
        assert [q for _lesson, q in again.store.due_for_review()] == [questions[0].id]
        assert chooser.review_button.isEnabled()
        qtbot.mouseClick(chooser.review_button, Qt.MouseButton.LeftButton)
        assert chooser.current_question().id == questions[0].id
        assert chooser.quiz_title.text() == "Review what I missed"
        chooser.answer(_right(questions[0]))
        assert "Correct" in chooser.feedback.text()
        assert again.store.due_for_review() == []

        # A perfect retake moves best and latest; a worse one later keeps the best.
        chooser.open_lesson_quiz("overview")
        for index, question in enumerate(chooser._questions):
            chooser.show_question(index)
            chooser.answer(_right(question))
        assert again.store.quiz_scores()["overview"] == (1.0, 1.0, 2)
        chooser.retake()
        for index, question in enumerate(chooser._questions):
            chooser.show_question(index)
            chooser.answer(_right(question) if index else (question.answer + 1) % len(question.options))
        assert again.store.quiz_scores()["overview"] == (1.0, expected, 3)
        second.close()
    finally:
        again.store.close()


def test_a_check_link_in_a_lesson_opens_that_question(window: Any) -> None:
    window.open_link("check:overview-5")
    page = window.pages["quiz"]
    assert window.stack.currentWidget() is page
    assert page.current_question().id == "overview-5"


def test_the_lesson_button_opens_its_quiz(window: Any, qtbot: Any) -> None:
    window.open_page("mechanisms")
    lesson = window.pages["mechanisms"]
    assert lesson.quiz_button.isVisible()
    qtbot.mouseClick(lesson.quiz_button, Qt.MouseButton.LeftButton)
    page = window.pages["quiz"]
    assert window.stack.currentWidget() is page
    assert page.current_question().lesson_id == "mechanisms"


def test_the_answer_parameter_shows_a_checked_question(window: Any) -> None:
    page = _quiz(window, lesson="overview", question="overview-1", answer="2")
    assert page.feedback.isVisible()
    assert "Not quite" in page.feedback.text()


def test_bad_parameters_are_refused(window: Any) -> None:
    import pytest

    page = _quiz(window)
    with pytest.raises(ValueError):
        page.apply_params({"lesson": "nope"})
    with pytest.raises(ValueError):
        page.apply_params({"mode": "cram"})


def test_enter_checks_then_moves_on(window: Any, qtbot: Any) -> None:
    page = _quiz(window, lesson="overview")
    first = page.current_question()
    page._editor.set_response(_right(first))
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert "Correct" in page.feedback.text()
    qtbot.keyClick(page, Qt.Key.Key_Return)
    assert page.current_question().id != first.id


def test_a_calculator_question_links_to_its_calculator(window: Any) -> None:
    page = _quiz(window, lesson="principles", question="principles-3", answer="1.02")
    assert "Not quite" in page.feedback.text()
    assert "page:capitation" in page.feedback.text()
    assert "1.033" in page.feedback.text()  # the calculator's answer, not a number typed into the quiz file
