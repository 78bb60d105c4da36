"""Every concept, table and worked number of the lecture notes stays in the notebooks.

The product rule — "every concept, table and worked number in the lecture notes must appear in a
notebook, runnable and checked" — as a regression guard. ``LECTURE`` lists the lecture's items in
its order, each with the notebook that teaches it, where to look, and a regular expression that
must match there:

* ``"assert"`` — an assertion in the notebook's code: an ``assert`` statement, a call of a
  function whose name starts with ``assert`` (``np.testing.assert_allclose``, ...) or ``check_``
  (``ru.checks.check_...``), or ``raise AssertionError(...)``. Only the assertion itself is
  searched (its condition and its message), so deleting the check of a worked number fails here
  even if the number is still printed or mentioned in a comment.
* ``"code"`` — anywhere in the code cells (e.g. the literal table an assertion compares with).
* ``"markdown"`` — anywhere in the markdown cells, prose and LaTeX.

Runs of whitespace are collapsed to one space before matching, so reflowing a line or a
multi-line call does not break a case. The items are written out here from the lecture notes
(``../shared/curriculum``), which this test never reads. When a notebook is reorganised, move the
item with its content; when a pattern is merely reworded, update the pattern — but never drop an
item without the lecture dropping it.
"""

from __future__ import annotations

import ast
import json
import re
from functools import cache
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SCOPES = ("assert", "code", "markdown")

# (lecture item, notebook number, scope, regular expression), in the lecture's order.
LECTURE = [
    # --- Making recommendations: predicting movie ratings -------------------------------------
    (
        "ratings table with '?' (4 users x 5 movies)",
        "01",
        "assert",
        r"as_lecture_table\(Y, R\)\.values\.tolist\(\) == LECTURE_TABLE",
    ),
    (
        "ratings table with '?' (4 users x 5 movies)",
        "01",
        "code",
        (
            r'LECTURE_TABLE = \[\["5", "5", "0", "0"\], \["5", "\?", "\?", "0"\], \["\?", '
            r'"4", "0", "\?"\], \["0", "0", "5", "4"\], \["0", "0", "5", "\?"\]\]'
        ),
    ),
    (
        "users rate with one to five stars (the tables use 0-5)",
        "01",
        "markdown",
        r"one to five stars.*toy scale is 0–5",
    ),
    ("n_u = 4, n_m = 5", "01", "assert", r"\(n_users, n_movies\) == \(4, 5\)"),
    (
        "notation n_u, n_m, r(i,j), y(i,j)",
        "01",
        "markdown",
        (
            r"\$n_u\$ \| number of users.*\$n_m\$ \| number of movies.*\$r\(i,j\)\$ \| \$1\$ if "
            r"user \$j\$ has rated movie \$i\$.*\$y\^\{\(i,j\)\}\$ \| the rating user \$j\$ gave "
            r"movie \$i\$"
        ),
    ),
    (
        "r(1,1) (slide's slip 'r(1,1) = 5': r(1,1) = 1, y(1,1) = 5)",
        "01",
        "assert",
        r"r\(1, 1\) == 1 and y\(1, 1\) == 5",
    ),
    (
        "r(1,1) (slide's slip 'r(1,1) = 5': r(1,1) = 1, y(1,1) = 5)",
        "01",
        "markdown",
        r'"\$r\(1,1\) = 5\$", which is a slip',
    ),
    ("r(3,1) = 0", "01", "assert", r"r\(3, 1\) == 0"),
    ("y(3,2) = 4", "01", "assert", r"y\(3, 2\) == 4"),
    # --- Using per-item features -----------------------------------------------------------------
    (
        "features table x1 (romance), x2 (action)",
        "01",
        "assert",
        (
            r"assert_allclose\(X, \[\[0\.9, 0\.0\], \[1\.0, 0\.01\], "
            r"\[0\.99, 0\.0\], \[0\.1, 1\.0\], \[0\.0, 0\.9\]\]"
        ),
    ),
    ("n = 2 features", "01", "assert", r"X\.shape == \(n_movies, 2\)"),
    ("x(1) = [0.9, 0]", "01", "assert", r"np\.allclose\(X\[0\], \[0\.9, 0\.0\]\)"),
    ("x(3) = [0.99, 0]", "01", "assert", r"np\.allclose\(X\[2\], \[0\.99, 0\.0\]\)"),
    (
        "predict w(j) . x(i) + b(j), just linear regression",
        "01",
        "markdown",
        r"\*\*just linear regression\*\*.*w\^\{\(j\)\} \\cdot x\^\{\(i\)\} \+ b\^\{\(j\)\}",
    ),
    (
        "predict w(j) . x(i) + b(j), just linear regression",
        "01",
        "assert",
        r"X @ W\.T \+ b must equal w\(j\) \. x\(i\) \+ b\(j\)",
    ),
    (
        "w(1) = [5, 0], b(1) = 0",
        "01",
        "code",
        r"w_alice, b_alice = np\.array\(\[5\.0, 0\.0\]\), 0\.0",
    ),
    ("w(1) . x(3) + b(1) = 4.95", "01", "assert", r"abs\(pred - 4\.95\) < "),
    ("w(1) . x(3) + b(1) = 4.95", "02", "assert", r"abs\(P\[2, 0\] - 4\.95\) < "),
    (
        "slide's slip x(3) = [0.9, 0] next to 4.95 (that gives 4.5)",
        "01",
        "assert",
        r"with the slide's misprint: 5 x 0\.9 = 4\.5",
    ),
    (
        "slide's slip x(3) = [0.9, 0] next to 4.95 (that gives 4.5)",
        "01",
        "markdown",
        r"A typo on the slide",
    ),
    # --- Cost function ---------------------------------------------------------------------------
    ("m(j) = no. of movies rated by user j", "01", "assert", r"m_alice == 4"),
    (
        "per-user cost J(w(j), b(j)) with 1/(2m(j))",
        "01",
        "markdown",
        r"J\(w\^\{\(j\)\}, b\^\{\(j\)\}\) = \\frac\{1\}\{2m\^\{\(j\)\}\} \\sum_\{i:r\(i,j\)=1\}",
    ),
    ("per-user cost J(w(j), b(j)) with 1/(2m(j))", "01", "assert", r"J_alice - 0\.0625\) < "),
    ("per-user cost J(w(j), b(j)) with 1/(2m(j))", "01", "assert", r"J_alice_reg - 3\.1875\) < "),
    ("per-user cost J(w(j), b(j)) with 1/(2m(j))", "02", "assert", r"J_alice - 0\.0625\) < "),
    (
        "per-user cost with 1/2 (m(j) dropped, same minimiser)",
        "01",
        "assert",
        r"0\.25 = 4 x 0\.0625",
    ),
    (
        "per-user cost with 1/2 (m(j) dropped, same minimiser)",
        "02",
        "assert",
        r"best_avg == best_sum",
    ),
    (
        "cost for all users J(w(1..n_u), b(1..n_u))",
        "02",
        "markdown",
        (
            r"J\(w\^\{\(1\)\}, \\dots, w\^\{\(n_u\)\}, b\^\{\(1\)\}, \\dots, "
            r"b\^\{\(n_u\)\}\) = \\frac\{1\}\{2\} \\sum_\{j=1\}\^\{n_u\}"
        ),
    ),
    ("cost for all users J(w(1..n_u), b(1..n_u))", "02", "assert", r"all_users - 1\.5775\) < "),
    (
        "cost for all users J(w(1..n_u), b(1..n_u))",
        "02",
        "assert",
        r"all_users_reg - 51\.5775\) < ",
    ),
    # --- Collaborative filtering: problem motivation ---------------------------------------------
    (
        "problem motivation: the features table with x1, x2 = ?",
        "02",
        "markdown",
        r"\| Love at last \| 5 \| 5 \| 0 \| 0 \| \? \| \? \|",
    ),
    (
        "problem motivation: w(1) = w(2) = [5, 0], w(3) = w(4) = [0, 5], b = 0",
        "02",
        "code",
        r"W = np\.array\(\[\[5\.0, 0\.0\], \[5\.0, 0\.0\], \[0\.0, 5\.0\], \[0\.0, 5\.0\]\]\)",
    ),
    (
        "problem motivation: w(1) = w(2) = [5, 0], w(3) = w(4) = [0, 5], b = 0",
        "02",
        "markdown",
        r"w\^\{\(1\)\} = w\^\{\(2\)\} = \\begin\{bmatrix\} 5 \\\\ 0 \\end\{bmatrix\}",
    ),
    (
        "w(1) . x(1) ~ 5, w(2) . x(1) ~ 5, w(3) . x(1) ~ 0",
        "02",
        "assert",
        r"W @ x1 \+ b\[0\], \[5\.0, 5\.0, 0\.0, 0\.0\]",
    ),
    ("x(1) = [1, 0] learned from the ratings", "02", "assert", r"np\.allclose\(x1, \[1\.0, 0\.0\]"),
    ("x(1) = [1, 0] learned from the ratings", "02", "markdown", r"\$x\^\{\(1\)\} = \[1, 0\]\$"),
    (
        "cost to learn x(i), and x(1..n_m)",
        "02",
        "markdown",
        (
            r"J\(x\^\{\(i\)\}\) = \\frac\{1\}\{2\} \\sum_\{j:r\(i,j\)=1\}.*"
            r"J\(x\^\{\(1\)\}, \\dots, x\^\{\(n_m\)\}\) = \\frac\{1\}\{2\} \\sum_\{i=1\}\^\{n_m\}"
        ),
    ),
    ("cost to learn x(i), and x(1..n_m)", "02", "assert", r"J_x_table - 1\.5775\) < "),
    ("cost to learn x(i), and x(1..n_m)", "02", "assert", r"J_x_table_reg - 3\.8826\) < "),
    (
        "put them together: J(w, b, x)",
        "02",
        "markdown",
        r"J\(w, b, x\) = \\frac\{1\}\{2\} \\sum_\{\(i,j\):r\(i,j\)=1\}",
    ),
    (
        "put them together: J(w, b, x)",
        "02",
        "assert",
        r"ru\.cofi_cost\(X, W, b, Y, R, 1\.0\) - 53\.8826\) < ",
    ),
    ("put them together: J(w, b, x)", "02", "assert", r"check_cofi_cost\(my_cofi_cost\)"),
    # --- Gradient descent ------------------------------------------------------------------------
    (
        "gradient descent updates of w(j), b(j) and x(i) (x is also a parameter)",
        "03",
        "markdown",
        (
            r"\$x\$ is also a parameter.*x_k\^\{\(i\)\} \\leftarrow x_k\^\{\(i\)\} - "
            r"\\alpha \\frac\{\\partial\}\{\\partial x_k\^\{\(i\)\}\} J\(w, b, x\)"
        ),
    ),
    (
        "gradient descent updates of w(j), b(j) and x(i) (x is also a parameter)",
        "03",
        "assert",
        r"check_gradient_descent_step\(my_gradient_descent_step\)",
    ),
    (
        "gradient descent updates of w(j), b(j) and x(i) (x is also a parameter)",
        "03",
        "assert",
        r"X1\[0\], \[0\.95, 0\.0\]",
    ),
    # --- Binary labels ---------------------------------------------------------------------------
    (
        "binary-label table (1, 0, ?)",
        "04",
        "assert",
        r"as_table\(Y, R, movies, users\)\.values\.tolist\(\) == LECTURE_BINARY",
    ),
    (
        "binary-label table (1, 0, ?)",
        "04",
        "code",
        (
            r'LECTURE_BINARY = \[\["1", "1", "0", "0"\], \["1", "\?", "\?", "0"\], '
            r'\["\?", "1", "0", "\?"\], \["0", "0", "1", "1"\], \["0", "0", "1", "\?"\]\]'
        ),
    ),
    (
        "example applications: purchase, fav/like, 30 seconds, click",
        "04",
        "markdown",
        r"\*\*purchase\*\*.*\*\*fav / like\*\*.*\*\*at least 30 seconds\*\*.*\*\*click\*\*",
    ),
    (
        "meaning of 1 / 0 / ?",
        "04",
        "markdown",
        (
            r"\*\*1\*\* — engaged after being shown the item; - \*\*0\*\* — did not "
            r"engage after being shown the item; - \*\*\?\*\* — item not yet shown"
        ),
    ),
    (
        "P(y(i,j) = 1) = g(w(j) . x(i) + b(j)), g(z) = 1/(1 + e^-z)",
        "04",
        "markdown",
        (
            r"P\\left\(y\^\{\(i,j\)\} = 1\\right\) = g\\left\(w\^\{\(j\)\} \\cdot x\^\{\(i\)\} "
            r"\+ b\^\{\(j\)\}\\right\), \\qquad g\(z\) = \\frac\{1\}\{1 \+ e\^\{-z\}\}"
        ),
    ),
    (
        "P(y(i,j) = 1) = g(w(j) . x(i) + b(j)), g(z) = 1/(1 + e^-z)",
        "04",
        "assert",
        r"my_sigmoid\(0\.0\) == 0\.5",
    ),
    (
        "loss L for a single binary example",
        "04",
        "markdown",
        r"L\\left\(f_\{\(w,b,x\)\}\(x\), y\^\{\(i,j\)\}\\right\) = -y\^\{\(i,j\)\} \\log",
    ),
    (
        "loss L for a single binary example",
        "04",
        "assert",
        r"binary_loss\(np\.log\(9\), 1\) - \(-np\.log\(0\.9\)\)",
    ),
    (
        "cost J(w, b, x) = sum of L over r(i,j) = 1",
        "04",
        "assert",
        r"binary_loss\(Z_hand\[R == 1\], Y\[R == 1\]\)\.sum\(\)",
    ),
    (
        "cost J(w, b, x) = sum of L over r(i,j) = 1",
        "04",
        "assert",
        r"check_binary_cost\(my_binary_cost\)",
    ),
    # --- Mean normalization ----------------------------------------------------------------------
    (
        "users who have not rated any movies: the 5 x 5 matrix with Eve",
        "05",
        "assert",
        r"as_table\(Y, R\)\.values\.tolist\(\) == LECTURE_MATRIX",
    ),
    (
        "users who have not rated any movies: the 5 x 5 matrix with Eve",
        "05",
        "code",
        (
            r'LECTURE_MATRIX = \[\["5", "5", "0", "0", "\?"\], \["5", "\?", "\?", "0", "\?"\], '
            r'\["\?", "4", "0", "\?", "\?"\], \["0", "0", "5", '
            r'"4", "\?"\], \["0", "0", "5", "0", "\?"\]\]'
        ),
    ),
    (
        "slip: Dave's 0 for 'Swords vs. karate' gives mu_5 = 1.25",
        "05",
        "markdown",
        r"that 0 is what makes \$\\mu_5 = 1\.25\$",
    ),
    (
        "mu = [2.5, 2.5, 2, 2.25, 1.25]",
        "05",
        "assert",
        r"\[\[2\.5\], \[2\.5\], \[2\.0\], \[2\.25\], \[1\.25\]\]",
    ),
    ("mu = [2.5, 2.5, 2, 2.25, 1.25]", "03", "assert", r"\[2\.5, 2\.5, 2\.0, 2\.25, 1\.25\]"),
    ("the mean-normalized matrix", "05", "assert", r"np\.array_equal\(Ynorm, lecture_Ynorm\)"),
    (
        "the mean-normalized matrix",
        "05",
        "code",
        (
            r"lecture_Ynorm = np\.array\(\[\[ ?2\.5, 2\.5, -2\.5, -2\.5, 0\.0\], \[ ?2\.5, 0\.0, "
            r"0\.0, -2\.5, 0\.0\], \[ ?0\.0, 2\.0, -2\.0, 0\.0, 0\.0\], \[-2\.25, -2\.25, 2\.75, "
            r"1\.75, 0\.0\], \[-1\.25, -1\.25, 3\.75, -1\.25, 0\.0\]\]\)"
        ),
    ),
    (
        "predict w(j) . x(i) + b(j) + mu_i",
        "05",
        "markdown",
        r"\$\$w\^\{\(j\)\} \\cdot x\^\{\(i\)\} \+ b\^\{\(j\)\} \+ \\mu_i",
    ),
    (
        "Eve: w(5) = [0, 0], b(5) = 0, prediction 2.5 (not 0 stars)",
        "05",
        "assert",
        r"ru\.predict\(w5, x1, b5\) \+ mu\[0, 0\] == 2\.5",
    ),
    (
        "Eve: w(5) = [0, 0], b(5) = 0, prediction 2.5 (not 0 stars)",
        "05",
        "assert",
        r"P_norm\[0, 4\] - 2\.5\) < ",
    ),
    (
        "Eve: w(5) = [0, 0], b(5) = 0, prediction 2.5 (not 0 stars)",
        "05",
        "assert",
        r"np\.abs\(P_raw\[:, 4\]\)",
    ),
    (
        "Eve: w(5) = [0, 0], b(5) = 0, prediction 2.5 (not 0 stars)",
        "03",
        "assert",
        r"P_tf\[0, eve\] - 2\.5\) < ",
    ),
    # --- TensorFlow implementation ---------------------------------------------------------------
    (
        "derivatives in ML: J(w) with f(x) = w . x, b = 0",
        "03",
        "markdown",
        r"it sets \$b = 0\$, so the model is \$f\(x\) = w \\cdot x\$.*\$J\(w\)\$",
    ),
    (
        "derivatives in ML: J(w) with f(x) = w . x, b = 0",
        "03",
        "assert",
        r"dJ_dw\(5\.0\) - \(-0\.4\)\) < ",
    ),
    ("derivatives in ML: J(w) with f(x) = w . x, b = 0", "03", "assert", r"w_next - 5\.04\) < "),
    (
        "TensorFlow loop: Adam(learning_rate=1e-1), 200 iterations, GradientTape",
        "03",
        "code",
        (
            r"optimizer = keras\.optimizers\.Adam\(learning_rate=1e-1\) lambda_ = 1\.0 .* "
            r"iterations = 200 cost_history = \[\] for it in range\(iterations\):.* with "
            r"tf\.GradientTape\(\) as tape:.* grads = tape\.gradient\(cost_value, \[X, W, b\]\).* "
            r"optimizer\.apply_gradients\(zip\(grads, \[X, W, b\]\)\)"
        ),
    ),
    (
        "TensorFlow loop: Adam(learning_rate=1e-1), 200 iterations, GradientTape",
        "03",
        "assert",
        r"ru\.train_cofi reproduces|from the loop above and from ru\.train_cofi differ",
    ),
    (
        "TensorFlow loop: Adam(learning_rate=1e-1), 200 iterations, GradientTape",
        "06",
        "assert",
        r'settings\["learning_rate"\] == 0\.1 and len\(lab\.model\.history\) == 200',
    ),
    (
        "TensorFlow loop slips: `lambda` keyword, GradientTape line commented out",
        "03",
        "assert",
        r"expected a SyntaxError: `lambda` is a Python keyword",
    ),
    (
        "TensorFlow loop slips: `lambda` keyword, GradientTape line commented out",
        "03",
        "markdown",
        r"`# with tf\.GradientTape\(\) as tape:` \| `with tf\.GradientTape\(\) as tape:`",
    ),
    (
        "dataset credit: Harper and Konstan 2015",
        "06",
        "markdown",
        r"dataset credit: Harper and Konstan 2015",
    ),
    (
        "dataset credit: Harper and Konstan 2015",
        "06",
        "markdown",
        r"The MovieLens Datasets: History and Context",
    ),
    # --- Finding related items -------------------------------------------------------------------
    ("features x(i) are hard to interpret", "07", "markdown", r"quite hard to interpret"),
    (
        "related items: smallest sum_l (x_l(k) - x_l(i))^2 = ||x(k) - x(i)||^2",
        "07",
        "markdown",
        (
            r"\\sum_\{l=1\}\^\{n\} \\left\(x\^\{\(k\)\}_l - x\^\{\(i\)\}_l\\right\)\^2 \\;=\\; "
            r"\\lVert x\^\{\(k\)\} - x\^\{\(i\)\} \\rVert\^2"
        ),
    ),
    (
        "related items: smallest sum_l (x_l(k) - x_l(i))^2 = ||x(k) - x(i)||^2",
        "07",
        "assert",
        r"sum of squares = squared norm",
    ),
    (
        "related items: smallest sum_l (x_l(k) - x_l(i))^2 = ||x(k) - x(i)||^2",
        "07",
        "assert",
        r"the lecture uses the smallest squared distance",
    ),
    # --- Limitations of collaborative filtering --------------------------------------------------
    (
        "cold start: rank new items that few users have rated",
        "07",
        "markdown",
        r"how to rank new items that few users have rated\?",
    ),
    (
        "cold start: show something reasonable to new users who have rated few items",
        "07",
        "markdown",
        r"how to show something reasonable to new users who have rated few",
    ),
    (
        "side information, items: genre, movie stars, studio",
        "07",
        "markdown",
        r"\| item \| genre, movie stars, studio, … \|",
    ),
    (
        "side information, users: demographics (age, gender, location), expressed preferences",
        "07",
        "markdown",
        r"\| user \| demographics \(age, gender, location\), expressed preferences, … \|",
    ),
    # --- Collaborative vs content-based filtering ------------------------------------------------
    (
        "collaborative filtering vs content-based filtering",
        "08",
        "markdown",
        (
            r"\*\*Collaborative filtering\*\*: recommend items to you based on the ratings of "
            r"users who gave similar ratings as you.*\*\*Content-based filtering\*\*: recommend "
            r"items to you based on the features of the user and the item, to find a good match"
        ),
    ),
    (
        (
            "user features: age, gender (1 hot), country (1 hot, 200), "
            "movies watched (1000), avg rating per genre"
        ),
        "08",
        "markdown",
        (
            r"\*\*user:\*\* age .* gender \(1 hot\) .* country \(1 hot, 200\) .* "
            r"movies watched \(1000\) .* average rating per genre"
        ),
    ),
    (
        "movie features: year, genre/genres, reviews, average rating",
        "08",
        "markdown",
        r"\*\*movie:\*\* year .* genre / genres .* reviews .* average rating",
    ),
    # --- Deep learning for content-based filtering -----------------------------------------------
    (
        "two towers: x_u -> v_u (user network), x_m -> v_m (movie network)",
        "08",
        "markdown",
        (
            r"\*\*user network\*\* maps \$x_u \\to v_u\$, the "
            r"\*\*movie network\*\* maps \$x_m \\to v_m\$"
        ),
    ),
    (
        "prediction v_u(j) . v_m(i)",
        "08",
        "assert",
        (
            r"np\.allclose\(direct, np\.sum\(VU\[te\.user_idx\[some\]\] "
            r"\* VM\[te\.item_idx\[some\]\], axis=1\)"
        ),
    ),
    (
        "g(v_u(j) . v_m(i)): probability that y(i,j) is 1",
        "08",
        "markdown",
        (
            r"\$g\(v_u\^\{\(j\)\} \\cdot v_m\^\{\(i\)\}\)\$, to "
            r"predict the probability that \$y\^\{\(i,j\)\}\$ is 1"
        ),
    ),
    (
        "cost J = sum (v_u . v_m - y)^2 + NN regularization term",
        "08",
        "markdown",
        (
            r"J = \\sum_\{\(i,j\):\\, r\(i,j\)=1\} \\left\(v_u\^\{\(j\)\} \\cdot "
            r"v_m\^\{\(i\)\} - y\^\{\(i,j\)\}\\right\)\^2 \+ \\text\{NN regularization term\}"
        ),
    ),
    (
        "v_u, v_m: vectors of length 32",
        "08",
        "markdown",
        (
            r"\$v_u\^\{\(j\)\}\$ is a vector of length 32 that describes user \$j\$.*"
            r"\$v_m\^\{\(i\)\}\$ is a vector of length 32 that describes movie \$i\$"
        ),
    ),
    (
        "v_u, v_m: vectors of length 32",
        "08",
        "assert",
        r"VM\.shape == \(9_742, 32\) and VU\.shape == \(610, 32\)",
    ),
    (
        "similar movies by ||v_m(k) - v_m(i)||^2, pre-computed ahead of time",
        "08",
        "markdown",
        r"\\\|v_m\^\{\(k\)\} - v_m\^\{\(i\)\}\\\|\^2.*pre-computed ahead of time",
    ),
    (
        "similar movies by ||v_m(k) - v_m(i)||^2, pre-computed ahead of time",
        "08",
        "assert",
        r"the precomputed v_m equals the one computed now",
    ),
    (
        "similar movies by ||v_m(k) - v_m(i)||^2, pre-computed ahead of time",
        "08",
        "assert",
        r"check_nearest_movies\(nearest_movies\)",
    ),
    # --- Recommending from a large catalogue: retrieval & ranking --------------------------------
    (
        "how to efficiently find recommendations from a large set of items",
        "09",
        "markdown",
        r"how to efficiently find recommendations from a large set of items\?",
    ),
    (
        "retrieval: 10 similar to each of the last 10, top 10 of 3 genres, top 20 in the country",
        "09",
        "markdown",
        (
            r"\*\*last 10 movies\*\*.*\*\*10 most similar movies\*\*.*\*\*3 most viewed "
            r"genres\*\*.*\*\*top 10 movies\*\*.*\*\*top 20 movies in the country\*\*"
        ),
    ),
    (
        "retrieval: 10 similar to each of the last 10, top 10 of 3 genres, top 20 in the country",
        "09",
        "assert",
        r"n_listed == 10 \* 10 \+ 3 \* 10 \+ 20 == 150",
    ),
    (
        "retrieval: combine, removing duplicates and items already watched",
        "09",
        "assert",
        r"len\(set\(candidates\.tolist\(\)\)\) == len\(candidates\), \"no duplicates\"",
    ),
    (
        "retrieval: combine, removing duplicates and items already watched",
        "09",
        "assert",
        r"nothing the user already watched",
    ),
    (
        "retrieval: combine, removing duplicates and items already watched",
        "09",
        "assert",
        r"check_combine_candidates\(my_combine\)",
    ),
    (
        "ranking: rank the retrieved list with the learned model, display",
        "09",
        "assert",
        r"ranking by v_u \. v_m = running the two-tower model",
    ),
    (
        "ranking: rank the retrieved list with the learned model, display",
        "09",
        "assert",
        r"check_rank_candidates\(my_rank\)",
    ),
    (
        "retrieval step: more items = better but slower; offline experiments; p(y(i,j) = 1)",
        "09",
        "markdown",
        (
            r"retrieving more items results in better performance, but slower recommendations.*"
            r"\*\*offline experiments\*\*.*\$p\(y\^\{\(i,j\)\} = 1\)\$"
        ),
    ),
    (
        "retrieval trade-off '100  500'",
        "09",
        "assert",
        (
            r'e\.loc\["×1 \(lecture\)", "candidates"\] < \d+ '
            r'and \d+ < e\.loc\["×5", "candidates"\] < \d+'
        ),
    ),
    # --- Ethical use of recommender systems ------------------------------------------------------
    (
        (
            "the five goals: 5 stars, purchased, ads clicked "
            "+ high bid, largest profit, max watch time"
        ),
        "10",
        "markdown",
        (
            r"movies most likely to be rated 5 stars by the user .*products most likely to be "
            r"purchased .*ads most likely to be clicked on \*\*\+ high bid\*\* .*products "
            r"generating the largest profit .*video leading to maximum watch time"
        ),
    ),
    (
        (
            "the five goals: 5 stars, purchased, ads clicked "
            "+ high bid, largest profit, max watch time"
        ),
        "10",
        "assert",
        r'by_revenue\[0\] == "payday loan"',
    ),
    (
        "travel industry: good travel experience to more users",
        "10",
        "markdown",
        r"\*\*Travel industry — a virtuous cycle\.\*\*.*good experiences to more users",
    ),
    (
        "payday loans: squeeze customers more",
        "10",
        "markdown",
        r"\*\*Payday loans — a vicious cycle\.\*\*.*\*squeeze customers more\*",
    ),
    (
        "amelioration: do not accept ads from exploitative businesses",
        "10",
        "markdown",
        r"\*\*do not accept ads from exploitative businesses\*\*",
    ),
    (
        (
            "engagement amplified conspiracy theories and hate; "
            "amelioration: filter out problematic content"
        ),
        "10",
        "markdown",
        (
            r"amplify conspiracy theories and hate/toxicity.*\*\*filter out problematic "
            r"content\*\* such as hate speech, fraud, scams and violent content"
        ),
    ),
    (
        (
            "transparency: can profit-over-welfare ranking "
            "be transparent? amelioration: be transparent"
        ),
        "10",
        "markdown",
        r"presented in a transparent way\?.*\*\*be transparent with users\*\*",
    ),
    # --- Tensorflow implementation (content-based) -----------------------------------------------
    (
        "TF two-tower snippet: user_NN / item_NN Dense(256, relu), Dense(128, relu), Dense(32)",
        "08",
        "markdown",
        (
            r"user_NN = tf\.keras\.models\.Sequential\(\[ tf\.keras\.layers\.Dense\(256, "
            r"activation='relu'\), tf\.keras\.layers\.Dense\(128, activation='relu'\), "
            r"tf\.keras\.layers\.Dense\(32\) \]\)"
        ),
    ),
    (
        "TF two-tower snippet: user_NN / item_NN Dense(256, relu), Dense(128, relu), Dense(32)",
        "08",
        "assert",
        r"check_two_tower\(lecture_two_tower\)",
    ),
    (
        "TF two-tower snippet: user_NN / item_NN Dense(256, relu), Dense(128, relu), Dense(32)",
        "08",
        "assert",
        r"91_200",
    ),
    (
        (
            "TF two-tower snippet slips: Input shape not a tuple, "
            "l2_normalize, Model( cut off, MeanSquaredError()"
        ),
        "08",
        "assert",
        r'isinstance\(errors\["1\. Input\(shape=\(num_user_features\)\)"\], ValueError\)',
    ),
    (
        (
            "TF two-tower snippet slips: Input shape not a tuple, "
            "l2_normalize, Model( cut off, MeanSquaredError()"
        ),
        "08",
        "assert",
        r'"KerasTensor" in str\(errors\["2\. tf\.linalg\.l2_normalize\(vu, axis=1\)"\]\)',
    ),
    (
        (
            "TF two-tower snippet slips: Input shape not a tuple, "
            "l2_normalize, Model( cut off, MeanSquaredError()"
        ),
        "08",
        "assert",
        r"isinstance\(errors\[k\], SyntaxError\) for k in list\(errors\)\[2:4\]",
    ),
    (
        "l2-normalized vectors (normalizing the l2 norm of the vector)",
        "08",
        "assert",
        (
            r"np\.allclose\(np\.linalg\.norm\(VM, axis=1\), "
            r"1, atol=[\d.e-]+\), \"every v_m has length 1\""
        ),
    ),
]


def _case_ids(cases: list[tuple[str, str, str, str]]) -> list[str]:
    """``NN-scope-item-words``, numbered ``-2``, ``-3``, ... for an item's cases in one scope."""
    ids, seen = [], {}
    for item, notebook, scope, _ in cases:
        base = f"{notebook}-{scope}-" + re.sub(r"[^a-z0-9.]+", "-", item.lower()).strip("-.")[
            :50
        ].strip("-.")
        seen[base] = seen.get(base, 0) + 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _assertions(code: str) -> list[str]:
    """The source of every assertion in ``code``: assert statements, assert*/check_* calls,
    and ``raise AssertionError(...)``."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if not name.startswith(("assert", "check_")):
                continue
        elif isinstance(node, ast.Raise):
            exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
            if getattr(exc, "id", None) != "AssertionError":
                continue
        elif not isinstance(node, ast.Assert):
            continue
        found.append(ast.get_source_segment(code, node))
    return found


def _texts(cells: list[dict]) -> dict[str, str]:
    """{scope: searchable text}; assertions are one per line, so a pattern cannot span two."""

    def source(c: dict) -> str:
        return "".join(c["source"])

    code = [source(c) for c in cells if c["cell_type"] == "code"]
    return {
        "assert": " \n ".join(_collapse(a) for c in code for a in _assertions(c)),
        "code": _collapse(" ".join(code)),
        "markdown": _collapse(" ".join(source(c) for c in cells if c["cell_type"] == "markdown")),
    }


@cache
def notebook_texts(number: str) -> tuple[str, dict[str, str]]:
    """(file name, {scope: searchable text}) of the notebook whose name starts with ``number``."""
    paths = sorted(NOTEBOOKS.glob(f"{number}_*.ipynb"))
    assert len(paths) == 1, (
        f"expected one notebook notebooks/{number}_*.ipynb, found {[p.name for p in paths]}"
    )
    cells = json.loads(paths[0].read_text(encoding="utf-8"))["cells"]
    return paths[0].name, _texts(cells)


CASES = [
    pytest.param(*case, id=case_id)
    for case, case_id in zip(LECTURE, _case_ids(LECTURE), strict=True)
]


@pytest.mark.parametrize(("item", "notebook", "scope", "pattern"), CASES)
def test_lecture_item_is_in_its_notebook(item, notebook, scope, pattern):
    name, texts = notebook_texts(notebook)
    where = {"assert": "no assertion", "code": "no code cell", "markdown": "no markdown cell"}[
        scope
    ]
    assert re.search(pattern, texts[scope]), (
        f"lecture item {item!r} is missing from {name}: {where} matches /{pattern}/. "
        "Every concept, table and worked number of the lecture must appear in a notebook, "
        "and worked numbers must be asserted where they appear (CONTRIBUTING.md)."
    )


def test_cases_are_well_formed():
    ids = _case_ids(LECTURE)
    assert len(set(ids)) == len(ids), (
        f"duplicate case ids: {sorted({i for i in ids if ids.count(i) > 1})}"
    )
    for item, _notebook, scope, pattern in LECTURE:
        assert scope in SCOPES, f"{item!r}: unknown scope {scope!r}"
        re.compile(pattern)
    taught = sorted({notebook for _, notebook, _, _ in LECTURE})
    assert taught == [f"{k:02d}" for k in range(1, 11)], (
        f"every notebook teaches part of the lecture: {taught}"
    )


def test_assert_scope_sees_only_assertions():
    cells = [
        {
            "cell_type": "code",
            "source": [
                "x = 4.95  # 4.95 in a comment\n",
                "print('4.95 printed')\n",
                "assert abs(x - 2.5) < 1e-12, 'mu_1'\n",
                "np.testing.assert_allclose(\n    x,\n    1.5775)\n",
                "ru.checks.check_predict(f)\n",
                "if x:\n    raise AssertionError('`lambda` is a keyword')\n",
            ],
        },
        {"cell_type": "markdown", "source": ["4.95 in prose"]},
    ]
    texts = _texts(cells)
    assert not re.search(r"4\.95", texts["assert"]), (
        "comments, prints and assignments are not assertions"
    )
    for pattern in (
        r"x - 2\.5",
        r"assert_allclose\( x, 1\.5775\)",
        r"check_predict\(f\)",
        r"`lambda`",
    ):
        assert re.search(pattern, texts["assert"]), pattern
    assert re.search(r"4\.95", texts["code"]) and re.search(r"4\.95 in prose", texts["markdown"])
