"""The workbooks of the reports: the report itself (`report.report_workbook`) and the
re-scoring preview (`rescoring.rescoring_workbook`), on the sheet helpers of `sheets`."""
