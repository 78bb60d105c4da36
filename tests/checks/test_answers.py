"""Around the learner's function: an answer that borrows the package's is refused, an unanswered
exercise is told so, a chained exercise costs once, and the failure is short in a notebook."""

import numpy as np
import pytest

from recsys_utils import checks
from recsys_utils.checks.answers import yours_or
from recsys_utils.checks.engine import CheckFailed


def notebook(code: str) -> dict:
    """Run ``code`` as a notebook cell would, in a fresh namespace, and return that namespace."""
    namespace = {}
    exec("import numpy as np\nimport recsys_utils as ru\n" + code, namespace)
    return namespace


# check, keyword arguments, the delegating body of `def my_answer(*a)`, the package name it borrows
DELEGATES = [
    (checks.check_predict, {}, "return ru.predict(*a)", "predict"),
    (checks.check_user_cost, {}, "return ru.user_cost(*a)", "user_cost"),
    (checks.check_cofi_cost, {}, "return ru.cofi_cost(*a)", "cofi_cost"),
    (checks.check_cofi_cost, {}, "return ru.cofi_cost_loop(*a)", "cofi_cost_loop"),
    (checks.check_cofi_cost, {}, "return float(ru.cofi_cost_tf(*a))", "cofi_cost_tf"),
    (checks.check_cofi_gradients, {}, "import importlib\n"  # the module recsys_utils.cofi_cost
     "    return importlib.import_module('recsys_utils.cofi_cost').cofi_gradients(*a)", "cofi_gradients"),
    (checks.check_gradient_descent_step, {}, "return ru.gradient_descent.gradient_descent_step(*a)",
     "gradient_descent_step"),
    (checks.check_sigmoid, {}, "return ru.sigmoid(*a)", "sigmoid"),
    (checks.check_binary_cost, {}, "return ru.binary_cost(*a)", "binary_cost"),
    (checks.check_normalize_ratings, {}, "return ru.normalize_ratings(*a)", "normalize_ratings"),
    (checks.check_fit_new_user, {}, "return ru.fit_new_user(*a)", "fit_new_user"),
    (checks.check_cofi_cost_observed, {"tensors": False}, "return ru.cofi_cost_observed(*a)",
     "cofi_cost_observed"),
    (checks.check_shrunk_movie_means, {},
     "return ru.baselines.movie_mean_baseline(a[0], 0 * a[0], a[1], a[2], 1, shrinkage=a[3]).mu[:, 0]",
     "movie_mean_baseline"),
    (checks.check_genre_average, {},
     "users = ru.features.user_features(a[0], a[1], strength=a[4])\n"
     "    return float(users.column(f'avg={a[3]}')[list(users.ids).index(a[2])])", "user_features"),
    (checks.check_nearest_movies, {}, "return ru.related_items(*a).indices", "related_items"),
    (checks.check_combine_candidates, {}, "return ru.candidates.combine_candidates(*a)", "combine_candidates"),
    (checks.check_rank_candidates, {}, "return ru.candidates.rank_candidates(*a)", "rank_candidates"),
    (checks.check_training_loop, {}, "return ru.train_cofi_observed(*a)", "train_cofi_observed"),
    (checks.check_related, {}, "return ru.retrieval.top_k(a[0][a[1]], a[0], a[2] + 1, metric='sqeuclidean')"
                               ".indices[1:]", "top_k"),
    (checks.check_cap_flagged, {}, "return ru.simulation.rerank_with_cap(*a)", "rerank_with_cap"),
]


@pytest.mark.parametrize("check, kwargs, body, name", DELEGATES,
                         ids=[f"{d[0].__name__}-{d[3]}" for d in DELEGATES])
def test_an_answer_that_calls_the_package_fails(check, kwargs, body, name):
    my_answer = notebook(f"def my_answer(*a):\n    {body}\n")["my_answer"]
    with pytest.raises(CheckFailed, match=rf"calls the package's own answer: write this yourself — "
                                          rf"the check cannot use `ru\.{name}`"):
        check(my_answer, **kwargs)


def test_the_two_tower_answer_cannot_be_borrowed():
    pytest.importorskip("keras")
    my_answer = notebook("def my_answer(nu, ni):\n    return ru.two_tower.build_two_tower(nu, ni).model\n")
    with pytest.raises(CheckFailed, match=r"the check cannot use `ru\.build_two_tower`"):
        checks.check_two_tower(my_answer["my_answer"])


def test_a_name_imported_from_the_package_is_unavailable_too():
    # `from recsys_utils.cofi_cost import cofi_cost` in a setup cell, then used in the answer.
    ns = notebook("from recsys_utils.cofi_cost import cofi_cost as J\n"
                  "def my_cofi_cost(*a):\n    return J(*a)\n")
    with pytest.raises(CheckFailed, match=r"cannot use `ru\.cofi_cost`\. Exercise 2 asks you"):
        checks.check_cofi_cost(ns["my_cofi_cost"])
    assert ns["J"] is checks.nb02.cofi_cost, "the notebook's name is restored after the check"


def test_passing_the_package_function_itself_fails():
    import recsys_utils as ru

    with pytest.raises(CheckFailed, match=r"you passed `ru\.normalize_ratings` itself"):
        checks.check_normalize_ratings(ru.normalize_ratings)


def test_the_package_works_again_after_the_check():
    import recsys_utils as ru

    with pytest.raises(CheckFailed):
        checks.check_cofi_cost(notebook("def f(*a):\n    return ru.cofi_cost(*a)\n")["f"])
    X, W, b = np.ones((2, 1)), np.ones((3, 1)), np.zeros((1, 3))
    # J = 1/2 x 6 x (1 - 0)^2 + 1/2 x (3 + 2) = 3 + 2.5 = 5.5
    assert ru.cofi_cost(X, W, b, np.zeros((2, 3)), np.ones((2, 3)), 1.0) == pytest.approx(5.5)


# ----------------------------------------------------------------------------- not answered
UNANSWERED = [(checks.check_predict, "predict", "Exercise 1"), (checks.check_user_cost, "user_cost", "Exercise 2"),
              (checks.check_cofi_cost, "my_cofi_cost_loop", "Exercise 1"),
              (checks.check_cofi_cost, "my_cofi_cost", "Exercise 2"),
              (checks.check_cofi_gradients, "my_cofi_gradients", "Exercise 1"),
              (checks.check_gradient_descent_step, "my_gradient_descent_step", "Exercise 2"),
              (checks.check_sigmoid, "my_sigmoid", "Exercise 1"), (checks.check_binary_cost, "my_binary_cost", "Exercise 2"),
              (checks.check_normalize_ratings, "my_normalize_ratings", "Exercise 1"),
              (checks.check_fit_new_user, "my_fit_new_user", "Exercise 2"),
              (checks.check_shrunk_movie_means, "shrunk_movie_means", "Exercise 3"),
              (checks.check_training_loop, "my_train", "Exercise 2"),
              (checks.check_genre_average, "genre_average", "Exercise 1"),
              (checks.check_nearest_movies, "nearest_movies", "Exercise 3"),
              (checks.check_combine_candidates, "my_combine", "Exercise 1"),
              (checks.check_rank_candidates, "my_rank", "Exercise 2"),
              (checks.check_related, "related", "Exercise 1"),
              (checks.check_same_genres_mean, "same_genres_mean", "Exercise 2"),
              (checks.check_cap_flagged, "cap_flagged", "The exercise"),
              (checks.check_cofi_cost, "somebody_elses_name", "This exercise")]


@pytest.mark.parametrize("check, name, exercise", UNANSWERED, ids=[u[1] for u in UNANSWERED])
def test_an_unanswered_exercise_is_told_so(check, name, exercise):
    # What `python tools/notebooks.py student` leaves in the solution cell.
    fn = notebook(f"def {name}(*args):\n    # YOUR CODE HERE\n    raise NotImplementedError()\n")[name]
    with pytest.raises(CheckFailed, match=rf"^\w+: {exercise} is not answered yet: replace "
                                          rf"`raise NotImplementedError\(\)` in {name} with your code"):
        check(fn)


def test_the_failure_is_short_in_a_notebook():
    # IPython shows _render_traceback_() instead of the frames of the package.
    fn = notebook("def my_sigmoid(z):\n    raise NotImplementedError()\n")["my_sigmoid"]
    with pytest.raises(CheckFailed) as info:
        checks.check_sigmoid(fn)
    assert info.value._render_traceback_() == [f"CheckFailed: {info.value}"]
    assert isinstance(info.value, AssertionError), "nbgrader and pytest see a failed assertion"


def test_yours_or_uses_the_answer_once_it_is_written(capsys):
    assert yours_or(lambda x: x + 1, lambda x: 0)(1) == 2
    blank = notebook("def my_cost(x):\n    raise NotImplementedError()\n")["my_cost"]
    demo = yours_or(blank, lambda x: 2 * x)
    assert demo(3) == 6 and demo(4) == 8
    assert capsys.readouterr().out.count("my_cost is not answered yet") == 1, "said once"


# ----------------------------------------------------------------------------- chained (notebook 03)
CHAIN = """
def my_cofi_gradients(X, W, b, Y, R, lambda_):
    E = (X @ W.T + b - Y) * R
    return E @ W + {reg} * X, E.T @ X + {reg} * W, E.sum(axis=0, keepdims=True)

def my_gradient_descent_step(X, W, b, Y, R, lambda_, alpha):
    dX, dW, db = my_cofi_gradients(X, W, b, Y, R, lambda_)
    return X - {alpha} * dX, W - {alpha} * dW, b - {alpha} * db
"""


def test_a_step_built_on_wrong_gradients_costs_once(capsys):
    ns = notebook(CHAIN.format(reg="0.0", alpha="alpha"))  # gradients without λ; the step is right
    with pytest.raises(CheckFailed, match=r"regularization term is missing"):
        checks.check_cofi_gradients(ns["my_cofi_gradients"])
    checks.check_gradient_descent_step(ns["my_gradient_descent_step"])
    out = capsys.readouterr().out
    assert out.startswith("✓ gradient_descent_step: all 4 checks passed\n")
    assert "Your step is right for the package's gradients, put in place of your my_cofi_gradients" in out
    assert "fix them there" in out


def test_a_wrong_step_on_right_gradients_is_still_diagnosed(capsys):
    ns = notebook(CHAIN.format(reg="lambda_", alpha="1.0"))  # the learning rate forgotten
    checks.check_cofi_gradients(ns["my_cofi_gradients"])
    with pytest.raises(CheckFailed, match=r"the learning rate is missing"):
        checks.check_gradient_descent_step(ns["my_gradient_descent_step"])
