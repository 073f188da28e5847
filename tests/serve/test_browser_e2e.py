"""End to end in a real browser: headless Chromium drives ``rnakit serve`` (a subprocess on a free
loopback port) through a design on the bundled example to the downloaded table, and through one bad
input to the page's error box. The API tests use the test client; this one checks what only a browser
shows: the forms submit, the job page polls and reloads itself, the plot loads, the link downloads."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from rnakit.sirna.design.report import TOP_COLUMNS, top_columns

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.remote.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
# Generous bounds on a shared 2-core machine; waited for, never asserted on.
JOB_SECONDS, PAGE_SECONDS = 600, 60
FINAL_STATES = {"done", "failed", "timeout"}

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs /usr/bin/chromium and /usr/bin/chromedriver (Debian: apt-get install chromium chromium-driver, "
           "or scripts/install-tools.sh)")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebDriver, Path]]:
    """Headless Chromium from the system (no browser download) and the folder its downloads land in."""
    downloads = tmp_path_factory.mktemp("downloads")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1600,1400"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(PAGE_SECONDS)
    try:
        yield driver, downloads
    finally:
        driver.quit()


def job_state(driver: WebDriver) -> str | None:
    """The job page's final state, or None while queued/running (or mid-reload)."""
    try:
        state = driver.find_element(By.ID, "job-state").get_attribute("data-state")
    except (NoSuchElementException, StaleElementReferenceException):
        return None
    return state if state in FINAL_STATES else None


def error_text(driver: WebDriver) -> str | None:
    try:
        return driver.find_element(By.ID, "error").text
    except NoSuchElementException:
        return None


def result_table(driver: WebDriver) -> list[dict[str, str]]:
    """The rows of ``#result-table`` as the browser renders them, keyed by column header."""
    header = [cell.text for cell in driver.find_elements(By.CSS_SELECTOR, "#result-table thead th")]
    return [dict(zip(header, (cell.text for cell in row.find_elements(By.TAG_NAME, "td"))))
            for row in driver.find_elements(By.CSS_SELECTOR, "#result-table tbody tr")]


def downloaded(folder: Path, name: str) -> Path:
    """Wait for the browser to finish writing ``folder/name`` (Chromium writes a .crdownload first)."""
    deadline = time.monotonic() + PAGE_SECONDS
    path = folder / name
    while time.monotonic() < deadline:
        if path.exists() and not any(folder.glob("*.crdownload")):
            return path
        time.sleep(0.2)
    pytest.fail(f"the browser did not download {name} into {folder} (found: {sorted(p.name for p in folder.iterdir())})")


def test_design_example_in_the_browser(live_server: str, browser: tuple[WebDriver, Path]) -> None:
    driver, downloads = browser
    driver.get(f"{live_server}/design")
    assert "rnakit sirna design" in driver.find_element(By.ID, "cli-command").text
    driver.find_element(By.ID, "design-example").click()

    state = WebDriverWait(driver, JOB_SECONDS, poll_frequency=1).until(job_state)
    assert state == "done", f"design job ended {state}: {error_text(driver)}"
    job_url = driver.current_url
    assert "/jobs/" in job_url

    driver.refresh()  # the result is rendered from disk, so it survives a reload
    assert driver.current_url == job_url and job_state(driver) == "done"
    shown = result_table(driver)
    assert len(shown) > 0
    plot = driver.find_element(By.ID, "efficacy-plot")
    assert driver.execute_script("return arguments[0].complete && arguments[0].naturalWidth", plot) > 0
    promised = int(driver.find_element(By.ID, "candidate-count").get_attribute("data-count"))

    ARTIFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTIFACTS / "serve_design_result.png"))

    driver.find_element(By.ID, "download-candidates").click()
    candidates = pd.read_csv(downloaded(downloads, "candidates.tsv"), sep="\t")
    # Without a transcriptome the off-target columns are absent; every other top column is there.
    assert set(top_columns(candidates)) == set(TOP_COLUMNS) - {"guide_mm0", "guide_mm1", "guide_mm2", "specific", "guide_seed_matches"}
    assert {"passed", "chosen"} <= set(candidates.columns)
    assert len(candidates) == promised
    chosen = candidates[candidates["chosen"]].sort_values("rank")
    assert chosen["rank"].tolist() == [int(row["rank"]) for row in shown]
    assert chosen["guide"].tolist() == [row["guide"] for row in shown]


def test_bad_letter_shows_the_one_line_error(live_server: str, browser: tuple[WebDriver, Path]) -> None:
    driver, _ = browser
    fasta = ">pasted_bad\n" + "ACGU" * 5 + "X" + "ACGU" * 10
    driver.get(f"{live_server}/design")
    driver.find_element(By.ID, "target-text").send_keys(fasta)
    driver.find_element(By.ID, "design-submit").click()
    shown = WebDriverWait(driver, PAGE_SECONDS, poll_frequency=0.5).until(error_text)

    request = urllib.request.Request(f"{live_server}/api/design",
                                     data=urllib.parse.urlencode({"target_text": fasta}).encode())
    with pytest.raises(urllib.error.HTTPError) as answer:
        urllib.request.urlopen(request, timeout=PAGE_SECONDS)
    assert answer.value.code == 422
    assert shown == json.loads(answer.value.read())["error"]  # the page says what the API and the CLI say
    assert "\n" not in shown and "'X'" in shown
    assert driver.find_element(By.ID, "target-text").get_attribute("value").split() == fasta.split()
