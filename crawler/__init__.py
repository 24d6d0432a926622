"""The crawler: one Scrapy spider per site family, which only parses, and the Scrapy
components that record what it finds in the store (`crawler.settings` lists them). It runs
in a child process (`crawler.runner`).
"""
