"""The tabs of the Current inspection page: checklist, evidence, findings, interviews, …"""
