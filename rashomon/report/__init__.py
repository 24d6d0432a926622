"""The static HTML report: the two accounts of each call side by side, and an index of calls.

    report = Report(ReportInfo.from_settings(settings), analyser.topics)  # built by rashomon.app
    report.write(Path("report"), analyses)   # report/index.html, report/calls/<id>.html
    report.publish(Path("report"), analyses) # the same, and removes pages of calls now gone
    report.call_view(analysis)               # the JSON-able view model a page renders

`viewmodel` documents the view model's fields; `site` how the files are written.
"""

from rashomon.report.info import LeaderInfo, ReportInfo, SideInfo, TopicLabel
from rashomon.report.site import Published, Report, ReportFolder
from rashomon.report.viewmodel import call_view, page_path

__all__ = ["LeaderInfo", "Published", "Report", "ReportFolder", "ReportInfo", "SideInfo",
           "TopicLabel", "call_view", "page_path"]
